/**
 * The "double random" draw, pure and deterministic so that anyone reproduces it offline
 * from a published draw (scripts/reproduce-draw.ts does). Commit–reveal: the regulator
 * publishes SHA-256(secret) before the inputs are fixed, and the service adds a random salt
 * when it fixes them, so neither side alone can steer the seed.
 *
 *   inputsHash = SHA-256(UTF-8(JCS(inputs)))           (RFC 8785 canonical JSON)
 *   seed       = SHA-256(secret bytes || inputsHash)
 *   block i    = SHA-256(seed || uint32be(i)), i = 0, 1, 2, ...  (a byte stream, read 4 bytes at a time)
 *   uniform(n) = next uint32 x, rejected while x >= floor(2^32 / n) * n; then x mod n
 *   partial Fisher–Yates over the sorted population: for i in 0..k-1, swap a[i] with a[i + uniform(N - i)];
 *   targets = a[0..k-1]; then, from the same stream, the same over the sorted inspectors.
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '#shared/errors';
import { canonicalJson } from './canonical-json';
import type { ProductCategory } from './types';

export const DRAW_ALGORITHM = 'traceseal-spot-check/1';
export const SPOT_CHECK_KINDS = ['organizations', 'lots', 'units'] as const;
export type SpotCheckKind = (typeof SPOT_CHECK_KINDS)[number];
export const MIN_SECRET_BYTES = 32;
export const MAX_SECRET_BYTES = 64;

export interface SpotCheckScope {
  /** ISO 3166-2 province (`CN-GD`). */
  province: string;
  category?: ProductCategory;
  /** kind `units` only: the lot whose units are drawn. */
  gtin?: string;
  lot?: string;
}

/** Everything the seed depends on besides the secret; published once the draw is fixed. */
export interface DrawInputs {
  algorithm: typeof DRAW_ALGORITHM;
  drawId: string;
  regulatorOrgId: string;
  scope: SpotCheckScope;
  kind: SpotCheckKind;
  /** Sorted (JavaScript default order: UTF-16 code units), no duplicates. */
  population: string[];
  sampleSize: number;
  /** Sorted like the population, no duplicates. */
  inspectors: string[];
  inspectorCount: number;
  commitment: string;
  committedAt: string;
  fixedAt: string;
  /** 32 random bytes (hex) the service chose when it fixed the inputs, after the commitment. */
  salt: string;
}

export interface DrawOutcome {
  inputsHash: string;
  seed: string;
  /** In draw order. */
  targets: string[];
  inspectors: string[];
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const HEX_SECRET = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64URL_SECRET = /^[A-Za-z0-9_-]+$/;

/**
 * A secret is given as hex (an even number of hex digits) or else as unpadded base64url;
 * a base64url string made only of hex digits is read as hex, which a random one of 43+
 * characters is with probability below 10^-19.
 */
export const parseSecret = (text: string): Buffer => {
  let bytes: Buffer;
  if (HEX_SECRET.test(text)) bytes = Buffer.from(text, 'hex');
  else if (BASE64URL_SECRET.test(text)) bytes = Buffer.from(text, 'base64url');
  else throw new BadRequestError('INVALID_SECRET', 'The secret must be hex or unpadded base64url');
  if (bytes.length < MIN_SECRET_BYTES || bytes.length > MAX_SECRET_BYTES) {
    throw new BadRequestError('INVALID_SECRET', `The secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes`);
  }
  return bytes;
};

/** The commitment to publish: lowercase hex SHA-256 of the secret's bytes. */
export const commitmentOf = (secret: Uint8Array): string => sha256(secret).toString('hex');

export const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** Uniform on 0..n-1 without modulo bias: values from the incomplete last interval are drawn again. */
export const uniformFrom =
  (nextUint32: () => number) =>
  (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`uniform(${n}): n must be 1..2^32`);
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };

/** A counter-mode SHA-256 byte stream, read as big-endian uint32s. */
export const createDrawStream = (seed: Uint8Array) => {
  let counter = 0;
  let block: Buffer = Buffer.alloc(0);
  let offset = 0;
  const nextUint32 = (): number => {
    if (offset + 4 > block.length) {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(counter);
      counter += 1;
      block = sha256(seed, index);
      offset = 0;
    }
    const value = block.readUInt32BE(offset);
    offset += 4;
    return value;
  };
  return { nextUint32, uniform: uniformFrom(nextUint32) };
};

/** The first `count` elements of a Fisher–Yates shuffle of `items` (not modified). */
export const partialShuffle = (items: readonly string[], count: number, uniform: (n: number) => number): string[] => {
  const a = [...items];
  const k = Math.min(count, a.length);
  for (let i = 0; i < k; i++) {
    const j = i + uniform(a.length - i);
    const picked = a[j] as string;
    a[j] = a[i] as string;
    a[i] = picked;
  }
  return a.slice(0, k);
};

export const inputsHashOf = (inputs: DrawInputs): Buffer => sha256(Buffer.from(canonicalJson(inputs), 'utf8'));

/** Whether the published lists are in the canonical form the algorithm requires. */
const requireCanonicalLists = (inputs: DrawInputs): void => {
  for (const [name, list] of [
    ['population', inputs.population],
    ['inspectors', inputs.inspectors],
  ] as const) {
    const canonical = sortedUnique(list);
    if (canonical.length !== list.length || canonical.some((value, i) => value !== list[i])) {
      throw new BadRequestError('INVALID_DRAW_INPUTS', `${name} must be sorted and without duplicates`);
    }
  }
};

/** The draw itself: the secret is checked against the commitment first. */
export const computeDraw = (inputs: DrawInputs, secret: Uint8Array): DrawOutcome => {
  if (commitmentOf(secret) !== inputs.commitment) {
    throw new BadRequestError('SECRET_MISMATCH', 'SHA-256 of this secret is not the published commitment');
  }
  requireCanonicalLists(inputs);
  const inputsHash = inputsHashOf(inputs);
  const seed = sha256(secret, inputsHash);
  const { uniform } = createDrawStream(seed);
  const targets = partialShuffle(inputs.population, inputs.sampleSize, uniform);
  const inspectors = partialShuffle(inputs.inspectors, inputs.inspectorCount, uniform);
  return { inputsHash: inputsHash.toString('hex'), seed: seed.toString('hex'), targets, inspectors };
};
