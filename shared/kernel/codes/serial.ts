import { createHmac } from 'node:crypto';
import { decodeBase32, encodeBase32 } from './base32';

/**
 * Serials (AI 21) are 16 Crockford-base32 characters: 10 for a keyed permutation of the
 * unit's sequence number, 6 for a keyed check value.
 *
 * - Unique per GTIN by construction: sequence numbers come from an atomic per-GTIN
 *   counter and the permutation is a bijection on 50 bits, so two sequence numbers can
 *   never give the same serial.
 * - Non-sequential: consecutive units get unrelated-looking serials.
 * - Unguessable: the 30-bit check is an HMAC only we can compute, so a guessed serial
 *   is valid with probability 2^-30 (about 1 in 10^9; the EU FMD bar is 1 in 10^4),
 *   independently of the AI 8030 signature that protects the whole code as well.
 * - Self-describing: decoding recovers the sequence number, so verification finds the
 *   batch from the serial without a per-unit record.
 */
export const SERIAL_LENGTH = 16;
export const MAX_SEQUENCE = 2 ** 50 - 1;

const HALF_BITS = 25;
const HALF = 2 ** HALF_BITS;
const HALF_MASK = HALF - 1;
const ROUNDS = 4;
const PERM_CHARS = 10;
const CHECK_CHARS = 6;
const CHECK_BITS = CHECK_CHARS * 5;

export interface SerialCodec {
  encode(sequence: number): string;
  /** The sequence number, or undefined when the serial is not one of ours. */
  decode(serial: string): number | undefined;
}

/**
 * A Feistel network is a bijection whatever its round function, so the round function
 * only has to mix well and fast; the secrecy lives in the HMAC check.
 */
const roundFunction = (half: number, roundKey: number): number => {
  let x = (half ^ roundKey) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) & HALF_MASK;
};

export const createSerialCodec = (serialKey: Uint8Array): SerialCodec => {
  const keyMaterial = createHmac('sha256', serialKey).update('traceseal/serial/feistel').digest();
  const roundKeys = Array.from({ length: ROUNDS }, (_, i) => keyMaterial.readUInt32BE(i * 4));

  const permute = (sequence: number): number => {
    let left = Math.floor(sequence / HALF);
    let right = sequence % HALF;
    for (const key of roundKeys) {
      [left, right] = [right, left ^ roundFunction(right, key)];
    }
    return left * HALF + right;
  };

  const unpermute = (value: number): number => {
    let left = Math.floor(value / HALF);
    let right = value % HALF;
    for (let i = ROUNDS - 1; i >= 0; i--) {
      [left, right] = [right ^ roundFunction(left, roundKeys[i] ?? 0), left];
    }
    return left * HALF + right;
  };

  const check = (sequence: number): number => {
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeBigUInt64BE(BigInt(sequence));
    const mac = createHmac('sha256', serialKey).update(buffer).digest();
    // Top 30 bits of the MAC.
    return mac.readUInt32BE(0) >>> (32 - CHECK_BITS);
  };

  return {
    encode(sequence) {
      if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
        throw new RangeError(`sequence ${sequence} is outside 0..2^50-1`);
      }
      return encodeBase32(permute(sequence), PERM_CHARS) + encodeBase32(check(sequence), CHECK_CHARS);
    },
    decode(serial) {
      if (serial.length !== SERIAL_LENGTH) return undefined;
      const permuted = decodeBase32(serial.slice(0, PERM_CHARS));
      const checkValue = decodeBase32(serial.slice(PERM_CHARS));
      if (permuted === undefined || checkValue === undefined) return undefined;
      const sequence = unpermute(permuted);
      return check(sequence) === checkValue ? sequence : undefined;
    },
  };
};
