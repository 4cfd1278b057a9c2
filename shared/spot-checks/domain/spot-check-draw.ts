/**
 * The "double random" draw, pure and deterministic so that anyone reproduces it offline
 * from a published draw (scripts/reproduce-draw.ts does). Three contributions, each fixed
 * before the next is known: the regulator commits to SHA-256(secret); the service fixes the
 * inputs (the population's commitment) and commits to a service salt; the regulator
 * reveals its secret, and only then does the service publish its salt. The regulator cannot
 * compute the outcome while it can still abandon; the service cannot steer it either (its
 * salt is committed before the secret is known).
 *
 *   inputsHash = SHA-256(UTF-8(JCS(inputs)))           (RFC 8785 canonical JSON)
 *   seed       = SHA-256(secret bytes || inputsHash || service salt bytes)
 *   block i    = SHA-256(seed || uint32be(i)), i = 0, 1, 2, ...  (a byte stream, read 4 bytes at a time)
 *   uniform(n) = next uint32 x, rejected while x >= floor(2^32 / n) * n; then x mod n
 *   partial Fisher–Yates over the positions 0..N-1 of the sorted population: for i in 0..k-1,
 *   swap p[i] with p[i + uniform(N - i)]; target positions = p[0..k-1]; then, from the same
 *   stream, the same over the sorted inspector ids.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '#kernel/canonical-json';
import { BadRequestError } from '#kernel/errors';
import type { ProductCategory } from '#registry/contract';

export const DRAW_ALGORITHM = 'traceseal-spot-check/2';
export const SPOT_CHECK_KINDS = ['organizations', 'lots', 'units'] as const;
export type SpotCheckKind = (typeof SPOT_CHECK_KINDS)[number];
export const MIN_SECRET_BYTES = 32;
export const MAX_SECRET_BYTES = 64;
/** The service salt: 32 bytes, lowercase hex. */
export const SERVICE_SALT_PATTERN = /^[0-9a-f]{64}$/;

export interface SpotCheckScope {
  /** ISO 3166-2 province (`CN-GD`). */
  province: string;
  category?: ProductCategory;
  /** kind `units` only: the lot whose units are drawn. */
  gtin?: string;
  lot?: string;
}

/** A population by commitment only: anyone can check a list against it, nobody reads one from it. */
export interface PopulationCommitment {
  size: number;
  /** Hex SHA-256 of UTF-8(JCS(sorted ids)). */
  sha256: string;
}

/** Everything the seed depends on besides the two salts' values; published once the draw is fixed. */
export interface DrawInputs {
  algorithm: typeof DRAW_ALGORITHM;
  drawId: string;
  regulatorOrgId: string;
  scope: SpotCheckScope;
  kind: SpotCheckKind;
  population: PopulationCommitment;
  sampleSize: number;
  /** Ids of registered inspectors, sorted (UTF-16 code units), no duplicates. */
  inspectors: string[];
  inspectorCount: number;
  commitment: string;
  committedAt: string;
  fixedAt: string;
  /** Hex SHA-256 of the service salt's bytes; the salt itself is published after the reveal. */
  serviceSaltCommitment: string;
}

/** The inputs the service salt is derived from: everything fixed before it. */
export type SaltBase = Omit<DrawInputs, 'serviceSaltCommitment'>;

export interface DrawOutcome {
  inputsHash: string;
  seed: string;
  /** Positions in the sorted population, in draw order. */
  targetPositions: number[];
  /** Inspector ids, in draw order. */
  inspectors: string[];
}

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export const jcsHash = (value: unknown): Buffer => sha256(Buffer.from(canonicalJson(value), 'utf8'));

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

const requireCanonical = (name: string, list: readonly string[]): void => {
  const canonical = sortedUnique(list);
  if (canonical.length !== list.length || canonical.some((value, i) => value !== list[i])) {
    throw new BadRequestError('INVALID_DRAW_INPUTS', `${name} must be sorted and without duplicates`);
  }
};

/** The commitment to a sorted, duplicate-free population. */
export const populationCommitmentOf = (population: readonly string[]): PopulationCommitment => {
  requireCanonical('population', population);
  return { size: population.length, sha256: jcsHash(population).toString('hex') };
};

/** Refuses a population list that is not the committed one. */
export const checkPopulation = (population: readonly string[], committed: PopulationCommitment): void => {
  const actual = populationCommitmentOf(population);
  if (actual.size !== committed.size || actual.sha256 !== committed.sha256) {
    throw new BadRequestError('POPULATION_MISMATCH', 'This population list is not the one the draw committed to');
  }
};

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

/**
 * The first `count` positions of a Fisher–Yates shuffle of 0..size-1: the same as
 * partialShuffle over the positions, but keeping only the swapped ones, so a published
 * size costs nothing to reproduce however large it claims to be.
 */
export const shufflePositions = (size: number, count: number, uniform: (n: number) => number): number[] => {
  const swapped = new Map<number, number>();
  const at = (i: number): number => swapped.get(i) ?? i;
  const picked: number[] = [];
  for (let i = 0; i < Math.min(count, size); i++) {
    const j = i + uniform(size - i);
    const value = at(j);
    swapped.set(j, at(i));
    swapped.set(i, value);
    picked.push(value);
  }
  return picked;
};

/** The ids at the drawn positions of the sorted population. */
export const targetsAt = (population: readonly string[], positions: readonly number[]): string[] =>
  positions.map((position) => {
    const id = population[position];
    if (id === undefined) throw new BadRequestError('POPULATION_MISMATCH', `The population has no position ${position}`);
    return id;
  });

export const inputsHashOf = (inputs: DrawInputs): Buffer => jcsHash(inputs);

/**
 * What the service's salt is an HMAC of: a domain label and the hash of every input fixed
 * before it. Deterministic, so the service has one salt per draw and no choice to grind.
 */
export const serviceSaltMessage = (base: SaltBase): Buffer =>
  Buffer.concat([Buffer.from(`${DRAW_ALGORITHM} service salt\n`, 'utf8'), jcsHash(base)]);

/** The draw itself: the secret and the service salt are checked against their commitments first. */
export const computeDraw = (inputs: DrawInputs, secret: Uint8Array, serviceSalt: Uint8Array): DrawOutcome => {
  if (commitmentOf(secret) !== inputs.commitment) {
    throw new BadRequestError('SECRET_MISMATCH', 'SHA-256 of this secret is not the published commitment');
  }
  if (sha256(serviceSalt).toString('hex') !== inputs.serviceSaltCommitment) {
    throw new BadRequestError('SERVICE_SALT_MISMATCH', 'SHA-256 of this service salt is not the published commitment');
  }
  requireCanonical('inspectors', inputs.inspectors);
  const { size } = inputs.population;
  if (!Number.isInteger(size) || size < 1 || size > 2 ** 32) {
    throw new BadRequestError('INVALID_DRAW_INPUTS', 'population.size must be an integer from 1 to 2^32');
  }
  const inputsHash = inputsHashOf(inputs);
  const seed = sha256(secret, inputsHash, serviceSalt);
  const { uniform } = createDrawStream(seed);
  const targetPositions = shufflePositions(size, inputs.sampleSize, uniform);
  const inspectors = partialShuffle(inputs.inspectors, inputs.inspectorCount, uniform);
  return { inputsHash: inputsHash.toString('hex'), seed: seed.toString('hex'), targetPositions, inspectors };
};
