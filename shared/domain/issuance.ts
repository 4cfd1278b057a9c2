import type { SerialCodec } from '../codes/serial';
import { signCode, type SigningKey } from '../codes/signature';
import type { IssuedCode } from './types';

/** Serial and signature for each unit of a sequence range; pure apart from ECDSA's nonce. */
export const signCodes = (
  key: SigningKey,
  codec: SerialCodec,
  identity: { gtin: string; lot: string },
  firstSequence: number,
  count: number,
): IssuedCode[] => {
  // Serials first, then signatures: alternating HMAC and ECDSA per code measured ~10%
  // slower than running each in its own loop (npm run bench).
  const serials = Array.from({ length: count }, (_, i) => codec.encode(firstSequence + i));
  return serials.map((serial, i) => ({
    sequence: firstSequence + i,
    serial,
    digsig: signCode(key, { gtin: identity.gtin, lot: identity.lot, serial }),
  }));
};

/** Stable hash of a request body, for Idempotency-Key reuse detection. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};
