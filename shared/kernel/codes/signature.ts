import { createPublicKey, type JsonWebKey, type KeyObject, sign, verify } from 'node:crypto';
import type { CodeIdentity } from './digital-link';

/**
 * AI 8030 content: a 4-character key id, then the ES256 signature (IEEE P1363 r||s,
 * 64 bytes, base64url = 86 characters). 90 characters in all, the AI's maximum.
 */
export const KID_LENGTH = 4;
export const KID_PATTERN = /^[A-Za-z0-9_-]{4}$/;
const GS = '\u001d';

/**
 * The signed bytes are the GS1 element string a barcode would carry for the same AIs,
 * in this order: "01" + GTIN-14, "10" + lot, FNC1 (ASCII 29), "21" + serial, UTF-8.
 * Any standard ES256 verifier can rebuild it from the URI alone.
 */
export const canonicalElementString = ({ gtin, lot, serial }: CodeIdentity): string => `01${gtin}10${lot}${GS}21${serial}`;

/** Containers: "00" + SSCC, a fixed-length AI, so no separator is needed. */
export const containerElementString = (sscc: string): string => `00${sscc}`;

/**
 * ECDSA is malleable: (r, s) and (r, n − s) both verify, so without a rule every label would
 * have two genuine URIs (and two CDN cache entries). We emit only the low-S form, s <= n/2
 * (as Bitcoin's BIP 62 does), and refuse the other one.
 */
const SCALAR_BYTES = 32;
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
const P256_HALF_ORDER = Buffer.from('7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8', 'hex');

// Byte comparisons and a byte-wise subtraction rather than BigInt: this runs once per signed
// code, and issuance signs hundreds of thousands of them.
const sOf = (signature: Buffer): Buffer => signature.subarray(SCALAR_BYTES);

export const isLowS = (signature: Buffer): boolean =>
  signature.length === 2 * SCALAR_BYTES && Buffer.compare(sOf(signature), P256_HALF_ORDER) <= 0;

/** The low-S twin of an IEEE P1363 r||s signature (itself if it already is low-S). */
export const toLowS = (signature: Buffer): Buffer => {
  if (isLowS(signature)) return signature;
  const s = sOf(signature);
  const twin = Buffer.allocUnsafe(2 * SCALAR_BYTES);
  signature.copy(twin, 0, 0, SCALAR_BYTES);
  let borrow = 0;
  for (let i = SCALAR_BYTES - 1; i >= 0; i--) {
    const difference = (P256_ORDER[i] ?? 0) - (s[i] ?? 0) - borrow;
    borrow = difference < 0 ? 1 : 0;
    twin[SCALAR_BYTES + i] = difference & 0xff;
  }
  return twin;
};

const signElementString = (key: SigningKey, elementString: string): string =>
  key.kid +
  toLowS(sign('sha256', Buffer.from(elementString, 'utf8'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })).toString(
    'base64url',
  );

const verifyElementString = (publicKey: KeyObject, elementString: string, signature: Buffer): boolean =>
  isLowS(signature) &&
  verify('sha256', Buffer.from(elementString, 'utf8'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export const signCode = (key: SigningKey, code: CodeIdentity): string => signElementString(key, canonicalElementString(code));

export const signContainer = (key: SigningKey, sscc: string): string => signElementString(key, containerElementString(sscc));

export const splitDigsig = (digsig: string): { kid: string; signature: Buffer } => ({
  kid: digsig.slice(0, KID_LENGTH),
  signature: Buffer.from(digsig.slice(KID_LENGTH), 'base64url'),
});

export const verifyCodeSignature = (publicKey: KeyObject, code: CodeIdentity, signature: Buffer): boolean =>
  verifyElementString(publicKey, canonicalElementString(code), signature);

export const verifyContainerSignature = (publicKey: KeyObject, sscc: string, signature: Buffer): boolean =>
  verifyElementString(publicKey, containerElementString(sscc), signature);

/** The public half as the JWK we publish at /.well-known/jwks.json. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export const toPublicJwk = (kid: string, key: KeyObject): PublicJwk => {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JsonWebKey;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error('signing keys must be EC P-256');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
};

export const publicKeyFromJwk = (jwk: PublicJwk): KeyObject =>
  createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
