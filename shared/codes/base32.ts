/**
 * Crockford base32: digits and upper-case letters without I, L, O, U. It is within GS1's
 * AI 21 character set, URL-safe, unambiguous when read aloud, and QR alphanumeric mode
 * encodes it compactly.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const DECODE = new Map<string, number>([...CROCKFORD_ALPHABET].map((c, i) => [c, i]));

export const encodeBase32 = (value: bigint, length: number): string => {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = CROCKFORD_ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
};

/** Returns undefined for any character outside the alphabet. */
export const decodeBase32 = (text: string): bigint | undefined => {
  let value = 0n;
  for (const char of text) {
    const digit = DECODE.get(char);
    if (digit === undefined) return undefined;
    value = (value << 5n) | BigInt(digit);
  }
  return value;
};
