import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPopulation,
  commitmentOf,
  computeDraw,
  DRAW_ALGORITHM,
  type DrawInputs,
  parseSecret,
  partialShuffle,
  populationCommitmentOf,
  shufflePositions,
  targetsAt,
  uniformFrom,
} from '#shared/spot-checks/domain/spot-check-draw';
import { computeDrawV1, DRAW_ALGORITHM_V1, type DrawInputsV1 } from '#shared/spot-checks/domain/spot-check-draw-v1';
import { drawProvinceFor, effectiveStatus } from '#shared/spot-checks/domain/spot-checks';

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const SALT = Buffer.alloc(32, 0x5a);
const saltCommitment = sha256(SALT).toString('hex');

const inputsFor = (secret: Buffer, overrides: Partial<DrawInputs> = {}): DrawInputs => ({
  algorithm: DRAW_ALGORITHM,
  drawId: '00000000-0000-4000-8000-000000000001',
  regulatorOrgId: 'reg-1',
  scope: { province: 'CN-GD' },
  kind: 'organizations',
  population: populationCommitmentOf(['a', 'b', 'c']),
  sampleSize: 2,
  inspectors: ['x', 'y'],
  inspectorCount: 1,
  commitment: commitmentOf(secret),
  committedAt: '2026-05-01T08:00:00.000Z',
  fixedAt: '2026-05-01T08:05:00.000Z',
  serviceSaltCommitment: saltCommitment,
  ...overrides,
});

/** A draw over `population` (sorted), its ids resolved from the drawn positions. */
const drawOver = (secret: Buffer, population: string[], overrides: Partial<DrawInputs> = {}) => {
  const outcome = computeDraw(inputsFor(secret, { population: populationCommitmentOf(population), ...overrides }), secret, SALT);
  return { ...outcome, targets: targetsAt(population, outcome.targetPositions) };
};

describe('the spot-check draw', () => {
  it('matches a small case worked through by hand from the documented algorithm', () => {
    const secret = Buffer.alloc(32, 0x42);
    const commitment = sha256(secret).toString('hex');
    const populationHash = sha256(Buffer.from('["a","b","c"]', 'utf8')).toString('hex');
    // JCS by hand: keys sorted by UTF-16 code units, no whitespace.
    const jcs =
      '{"algorithm":"traceseal-spot-check/2","commitment":"' +
      commitment +
      '","committedAt":"2026-05-01T08:00:00.000Z","drawId":"00000000-0000-4000-8000-000000000001",' +
      '"fixedAt":"2026-05-01T08:05:00.000Z","inspectorCount":1,"inspectors":["x","y"],"kind":"organizations",' +
      '"population":{"sha256":"' +
      populationHash +
      '","size":3},"regulatorOrgId":"reg-1","sampleSize":2,"scope":{"province":"CN-GD"},"serviceSaltCommitment":"' +
      saltCommitment +
      '"}';
    const inputsHash = sha256(Buffer.from(jcs, 'utf8'));
    const seed = sha256(secret, inputsHash, SALT);
    const block0 = sha256(seed, Buffer.from([0, 0, 0, 0]));
    const [x0, x1, x2] = [block0.readUInt32BE(0), block0.readUInt32BE(4), block0.readUInt32BE(8)];
    // n = 3: the limit is floor(2^32 / 3) * 3 = 4294967295; only x = 4294967295 would be redrawn.
    expect(x0).toBeLessThan(4294967295);
    const p = [0, 1, 2];
    const j0 = x0 % 3;
    [p[0], p[j0]] = [p[j0] as number, p[0] as number];
    const j1 = 1 + (x1 % 2); // n = 2 divides 2^32: nothing is ever redrawn.
    [p[1], p[j1]] = [p[j1] as number, p[1] as number];
    const inspector = ['x', 'y'][x2 % 2];

    const outcome = computeDraw(inputsFor(secret), secret, SALT);
    expect(outcome.inputsHash).toBe(inputsHash.toString('hex'));
    expect(outcome.seed).toBe(seed.toString('hex'));
    expect(outcome.targetPositions).toEqual([p[0], p[1]]);
    expect(outcome.inspectors).toEqual([inspector]);
  });

  it('continues the stream into the next SHA-256 block after eight draws', () => {
    const secret = Buffer.alloc(32, 7);
    const population = Array.from({ length: 9 }, (_, i) => `p${i}`);
    const { seed, targets } = drawOver(secret, population, { sampleSize: 9, inspectors: ['x'], inspectorCount: 1 });
    const words = [0, 1].flatMap((i) => {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(i);
      const block = sha256(Buffer.from(seed, 'hex'), index);
      return Array.from({ length: 8 }, (_, k) => block.readUInt32BE(k * 4));
    });
    let next = 0;
    // Every n here (9..2) leaves at most 8 redrawn values of 2^32: none occurs in these words.
    const expected = partialShuffle(population, 9, (n) => (words[next++] as number) % n);
    expect(targets).toEqual(expected);
  });

  it('draws positions exactly as a Fisher–Yates shuffle of the whole population would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (size, count, seed) => {
        const stream = (s: number) => {
          let state = s >>> 0;
          return () => {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            return state;
          };
        };
        const ids = Array.from({ length: size }, (_, i) => String(i).padStart(4, '0'));
        const shuffled = partialShuffle(ids, count, uniformFrom(stream(seed)));
        const positions = shufflePositions(size, count, uniformFrom(stream(seed)));
        expect(targetsAt(ids, positions)).toEqual(shuffled);
      }),
      { numRuns: 200 },
    );
  });

  it('redraws values from the incomplete last interval instead of folding them (no modulo bias)', () => {
    const values = [4294967295, 4294967294, 5];
    const uniform = uniformFrom(() => values.shift() as number);
    // n = 3: 4294967295 is at the limit and is redrawn; 4294967294 % 3 = 2 is kept.
    expect(uniform(3)).toBe(2);
    expect(values).toEqual([5]);
  });

  it('is reproducible: the same secret, salt and inputs always give the same draw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 64 }), fc.integer({ min: 1, max: 40 }), (bytes, size) => {
        const secret = Buffer.from(bytes);
        const population = Array.from({ length: size }, (_, i) => `id-${String(i).padStart(3, '0')}`);
        const inputs = inputsFor(secret, { population: populationCommitmentOf(population), sampleSize: Math.ceil(size / 2) });
        const first = computeDraw(inputs, secret, SALT);
        expect(computeDraw(structuredClone(inputs), Buffer.from(secret), Buffer.from(SALT))).toEqual(first);
        expect(new Set(first.targetPositions).size).toBe(first.targetPositions.length);
        expect(first.targetPositions.every((position) => position >= 0 && position < size)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('gives different draws for different secrets, and for different service salts', () => {
    const population = Array.from({ length: 1000 }, (_, i) => `id-${String(i).padStart(4, '0')}`);
    const bySecret = new Set<string>();
    const bySalt = new Set<string>();
    const secret = randomBytes(32);
    for (let i = 0; i < 50; i++) {
      const other = randomBytes(32);
      bySecret.add(drawOver(other, population, { sampleSize: 10 }).targets.join(','));
      const salt = randomBytes(32);
      const inputs = inputsFor(secret, {
        population: populationCommitmentOf(population),
        sampleSize: 10,
        serviceSaltCommitment: sha256(salt).toString('hex'),
      });
      bySalt.add(computeDraw(inputs, secret, salt).targetPositions.join(','));
    }
    expect(bySecret.size).toBe(50);
    expect(bySalt.size).toBe(50);
  });

  it('picks every candidate and every position about equally often (chi-square over many seeds)', () => {
    const population = ['a', 'b', 'c', 'd', 'e'];
    const runs = 5000;
    const firstPick = new Map<string, number>();
    const secondPick = new Map<string, number>();
    for (let i = 0; i < runs; i++) {
      // Fixed secrets, so the test is deterministic rather than failing once in a thousand runs.
      const secret = sha256(Buffer.from(`chi-square ${i}`));
      const [first = '', second = ''] = drawOver(secret, population, { sampleSize: 2 }).targets;
      firstPick.set(first, (firstPick.get(first) ?? 0) + 1);
      secondPick.set(second, (secondPick.get(second) ?? 0) + 1);
    }
    const expected = runs / population.length;
    const chiSquare = (counts: Map<string, number>) =>
      population.reduce((sum, id) => sum + ((counts.get(id) ?? 0) - expected) ** 2 / expected, 0);
    // 4 degrees of freedom: 18.47 is the 0.999 quantile, so a fair draw fails once in a thousand runs.
    expect(chiSquare(firstPick)).toBeLessThan(18.47);
    expect(chiSquare(secondPick)).toBeLessThan(18.47);
  });

  it('refuses a secret that is not the committed one, and a service salt that is not the committed one', () => {
    const secret = randomBytes(32);
    expect(() => computeDraw(inputsFor(secret), randomBytes(32), SALT)).toThrow(
      expect.objectContaining({ code: 'SECRET_MISMATCH' }),
    );
    expect(() => computeDraw(inputsFor(secret), secret, randomBytes(32))).toThrow(
      expect.objectContaining({ code: 'SERVICE_SALT_MISMATCH' }),
    );
  });

  it('refuses unsorted or duplicated inspector lists, and a population list that is not the committed one', () => {
    const secret = randomBytes(32);
    expect(() => computeDraw(inputsFor(secret, { inspectors: ['x', 'x'] }), secret, SALT)).toThrow(/sorted/);
    expect(() => populationCommitmentOf(['b', 'a'])).toThrow(/sorted/);
    const committed = populationCommitmentOf(['a', 'b', 'c']);
    expect(() => checkPopulation(['a', 'b', 'c'], committed)).not.toThrow();
    expect(() => checkPopulation(['a', 'b', 'd'], committed)).toThrow(expect.objectContaining({ code: 'POPULATION_MISMATCH' }));
  });

  it('reads secrets as hex or base64url, 32 to 64 bytes', () => {
    const bytes = randomBytes(32);
    expect(parseSecret(bytes.toString('hex')).equals(bytes)).toBe(true);
    expect(parseSecret(bytes.toString('base64url')).equals(bytes)).toBe(true);
    expect(() => parseSecret(randomBytes(16).toString('hex'))).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }));
    expect(() => parseSecret('not a secret!')).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }));
  });
});

describe('draws of the retired traceseal-spot-check/1', () => {
  it('are still reproduced as that algorithm defined them', () => {
    const secret = Buffer.alloc(32, 0x42);
    const inputs: DrawInputsV1 = {
      algorithm: DRAW_ALGORITHM_V1,
      drawId: '00000000-0000-4000-8000-000000000001',
      regulatorOrgId: 'reg-1',
      scope: { province: 'CN-GD' },
      kind: 'organizations',
      population: ['a', 'b', 'c'],
      sampleSize: 2,
      inspectors: ['x', 'y'],
      inspectorCount: 1,
      commitment: commitmentOf(secret),
      committedAt: '2026-05-01T08:00:00.000Z',
      fixedAt: '2026-05-01T08:05:00.000Z',
      salt: '11'.repeat(32),
    };
    const jcs =
      '{"algorithm":"traceseal-spot-check/1","commitment":"' +
      inputs.commitment +
      '","committedAt":"2026-05-01T08:00:00.000Z","drawId":"00000000-0000-4000-8000-000000000001",' +
      '"fixedAt":"2026-05-01T08:05:00.000Z","inspectorCount":1,"inspectors":["x","y"],"kind":"organizations",' +
      '"population":["a","b","c"],"regulatorOrgId":"reg-1","salt":"' +
      '11'.repeat(32) +
      '","sampleSize":2,"scope":{"province":"CN-GD"}}';
    const seed = sha256(secret, sha256(Buffer.from(jcs, 'utf8')));
    const block0 = sha256(seed, Buffer.from([0, 0, 0, 0]));
    const a = ['a', 'b', 'c'];
    const j0 = block0.readUInt32BE(0) % 3;
    [a[0], a[j0]] = [a[j0] as string, a[0] as string];
    const j1 = 1 + (block0.readUInt32BE(4) % 2);
    [a[1], a[j1]] = [a[j1] as string, a[1] as string];
    const outcome = computeDrawV1(inputs, secret);
    expect(outcome.seed).toBe(seed.toString('hex'));
    expect(outcome.targets).toEqual([a[0], a[1]]);
    expect(outcome.inspectors).toEqual([['x', 'y'][block0.readUInt32BE(8) % 2]]);
  });
});

describe('draw jurisdiction and status', () => {
  it('keeps a provincial regulator in its province and lets a national one name any of its country', () => {
    expect(drawProvinceFor('CN-GD Shenzhen', undefined)).toBe('CN-GD');
    expect(() => drawProvinceFor('CN-GD Shenzhen', 'CN-ZJ')).toThrow(expect.objectContaining({ statusCode: 403 }));
    expect(drawProvinceFor('CN', 'cn-zj')).toBe('CN-ZJ');
    expect(() => drawProvinceFor('CN', 'US-CA')).toThrow(expect.objectContaining({ statusCode: 403 }));
    expect(() => drawProvinceFor('CN', undefined)).toThrow(expect.objectContaining({ statusCode: 400 }));
  });

  it('abandons an unrevealed draw 24 hours after its commitment, and never a drawn one', () => {
    const committedAt = '2026-05-01T08:00:00.000Z';
    const later = new Date('2026-05-02T08:00:00.000Z');
    expect(effectiveStatus({ status: 'fixed', committedAt }, new Date('2026-05-02T07:59:59.999Z'))).toBe('fixed');
    expect(effectiveStatus({ status: 'fixed', committedAt }, later)).toBe('abandoned');
    expect(effectiveStatus({ status: 'committed', committedAt }, later)).toBe('abandoned');
    expect(effectiveStatus({ status: 'drawn', committedAt }, later)).toBe('drawn');
  });
});
