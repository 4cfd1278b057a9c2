/**
 * Crockford base32: digits and upper-case letters without I, L, O, U. It is within GS1's
 * AI 21 character set, URL-safe, unambiguous when read aloud, and QR alphanumeric mode
 * encodes it compactly. Values stay below 2^53, so plain numbers suffice.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const DECODE = new Map<string, number>([...CROCKFORD_ALPHABET].map((c, i) => [c, i]));

/** Exactly `length` characters, most significant first. */
export const encodeBase32 = (value: number, length: number): string => {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = CROCKFORD_ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
};

/** Undefined for any character outside the alphabet. */
export const decodeBase32 = (text: string): number | undefined => {
  let value = 0;
  for (const char of text) {
    const digit = DECODE.get(char);
    if (digit === undefined) return undefined;
    value = value * 32 + digit;
  }
  return value;
};
