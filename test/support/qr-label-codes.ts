import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import type { LabelCode } from '#kernel/codes/labels/label-code';
import { createSerialCodec } from '#kernel/codes/serial';
import { type PublicJwk, signCode, toPublicJwk } from '#kernel/codes/signature';

/**
 * Signed codes the way batch issuance makes them (real serials, real ES256 signatures) and
 * the JWKS that verifies them, for the label tests. Verification rebuilds the signed bytes
 * from the decoded URI with WebCrypto, sharing nothing with our signing code.
 */
export const LONG_BASE_URL = 'https://verify.traceseal-ppe.example.com';

export const makeSignedCodes = (count: number, options: { lot?: string; baseUrl?: string } = {}) => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'k7Qz';
  const codec = createSerialCodec(Buffer.alloc(32, 5));
  const lot = options.lot ?? 'LOT-2026-11-A.07_XYZ';
  const gtin = '09506000134352';
  const codes: LabelCode[] = Array.from({ length: count }, (_, i) => {
    const serial = codec.encode(i + 1);
    const digsig = signCode({ kid, privateKey }, { gtin, lot, serial });
    return { uri: buildDigitalLink(options.baseUrl ?? LONG_BASE_URL, { gtin, lot, serial, digsig }), serial, lot };
  });
  return { codes, jwks: { keys: [toPublicJwk(kid, privateKey)] as PublicJwk[] } };
};

/** Checks a decoded URI's AI 8030 signature against the JWKS with WebCrypto alone. */
export const verifiesAgainstJwks = async (uri: string, jwks: { keys: PublicJwk[] }): Promise<boolean> => {
  const url = new URL(uri);
  const match = /^\/01\/(\d{14})\/10\/([^/]+)\/21\/([^/]+)$/.exec(url.pathname);
  const digsig = url.searchParams.get('8030');
  if (match === null || digsig === null) return false;
  const [, gtin, lot, serial] = match;
  const jwk = jwks.keys.find((key) => key.kid === digsig.slice(0, 4));
  if (jwk === undefined) return false;
  const key: webcrypto.CryptoKey = await globalThis.crypto.subtle.importKey(
    'jwk',
    jwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`01${gtin}10${lot}\u001d21${serial}`);
  return globalThis.crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    Buffer.from(digsig.slice(4), 'base64url'),
    signed,
  );
};
