import type { SerialCodec } from '#kernel/codes/serial';
import { type SigningKey, signCode } from '#kernel/codes/signature';
import type { IssuedCode } from '#kernel/types';

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
