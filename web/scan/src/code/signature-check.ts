import { readLabel, type ScannedCode } from '#kernel/codes/digital-link';

/**
 * The label's AI 8030 signature checked on the phone with WebCrypto, against the JWKS the app
 * keeps, so a verdict on the signature needs no signal. The label is read by the service's own
 * parser (shared/kernel/codes/digital-link.ts, pure and browser-safe); the signed bytes are
 * rebuilt as the server signs them (shared/kernel/codes/signature.ts, which needs node:crypto
 * and cannot ship here): "01"+GTIN+"10"+lot+GS+"21"+serial for a unit, "00"+SSCC for a
 * container; ES256 over an IEEE P1363 r||s signature, and a high-S twin refused as the server
 * refuses it. test/web/scan-signature.test.ts checks both against codes the service signs.
 */
export interface PublicKeyJwk {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
}
export interface Jwks {
  keys: PublicKeyJwk[];
}

/**
 * genuine: the signature verifies with one of our keys; forged: it does not (or is malformed);
 * unknownKey: its key id is not in the keys the phone holds (a key newer than the cached
 * JWKS, or a fake: only the server can tell); unreadable: not a TraceSeal label at all.
 */
export type SignatureCheck = 'genuine' | 'forged' | 'unknownKey' | 'unreadable';

const GS = String.fromCharCode(29);
const P256_HALF_ORDER = BigInt('0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8');

export const signedElementString = (code: ScannedCode): string =>
  code.kind === 'unit' ? `01${code.gtin}10${code.lot}${GS}21${code.serial}` : `00${code.sscc}`;

/** The code a scanned text names, or undefined when it is no TraceSeal label. */
export const readScannedCode = (text: string): ScannedCode | undefined => {
  try {
    return readLabel(text.trim()).code;
  } catch {
    return undefined;
  }
};

const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const isLowS = (signature: Uint8Array): boolean => {
  let hex = '';
  for (const byte of signature.subarray(32)) hex += byte.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`) <= P256_HALF_ORDER;
};

export const checkSignature = async (code: ScannedCode, jwks: Jwks | undefined): Promise<SignatureCheck> => {
  const kid = code.digsig.slice(0, 4);
  const jwk = jwks?.keys.find((key) => key.kid === kid);
  if (jwk === undefined) return 'unknownKey';
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64Url(code.digsig.slice(4));
  } catch {
    return 'forged';
  }
  if (signature.length !== 64 || !isLowS(signature)) return 'forged';
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const message = new TextEncoder().encode(signedElementString(code));
  return (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message)) ? 'genuine' : 'forged';
};
