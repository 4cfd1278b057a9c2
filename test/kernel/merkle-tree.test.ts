import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrayRangeHasher,
  consistencyProof,
  EMPTY_ROOT,
  type Hash,
  inclusionProof,
  leafHash,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '#kernel/merkle-tree';
import { chunkedRangeHasher, chunkOf, chunksNeeded } from '#shared/audit/domain/merkle-chunks';
import {
  CONSISTENCY_VECTORS,
  EMPTY_TREE_ROOT_HEX,
  INCLUSION_VECTORS,
  LEAF_DATA_HEX,
  ROOTS_HEX,
} from '../fixtures/rfc6962-vectors';

const hex = (hash: Uint8Array) => Buffer.from(hash).toString('hex');
const unhex = (text: string) => Buffer.from(text, 'hex');
const LEAVES = LEAF_DATA_HEX.map((data) => leafHash(unhex(data)));
const rootOf = (size: number) => unhex(ROOTS_HEX[size - 1] ?? '');
const flip = (hash: Uint8Array, bit: number) => {
  const copy = Buffer.from(hash);
  copy[0] = (copy[0] ?? 0) ^ (1 << bit);
  return copy;
};
const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');

describe('RFC 6962 reference vectors (transparency-dev/merkle)', () => {
  it('gives the empty root and the root of every prefix of the 8 leaves', () => {
    expect(hex(EMPTY_ROOT)).toBe(EMPTY_TREE_ROOT_HEX);
    expect(hex(rootOfLeafHashes([]))).toBe(EMPTY_TREE_ROOT_HEX);
    for (let size = 1; size <= 8; size++) expect(hex(rootOfLeafHashes(LEAVES.slice(0, size)))).toBe(ROOTS_HEX[size - 1]);
  });

  it.each(INCLUSION_VECTORS)('generates and verifies the inclusion proof of leaf $index in $size', ({ index, size, proof }) => {
    const tree = LEAVES.slice(0, size);
    expect(inclusionProof(index, size, arrayRangeHasher(tree)).map(hex)).toEqual(proof);
    const leaf = LEAVES[index] ?? Buffer.alloc(0);
    const path = proof.map(unhex);
    const root = rootOf(size);
    expect(verifyInclusion(index, size, leaf, path, root)).toBe(true);
    // The reference suite's corruptions: each must fail.
    const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
      [index - 1, size, leaf, path, root],
      [index + 1, size, leaf, path, root],
      [index ^ 2, size, leaf, path, root],
      [index, size * 2, leaf, path, root],
      [index, Math.floor(size / 2), leaf, path, root],
      [index, size, Buffer.from('WrongLeaf'), path, root],
      [index, size, leaf, path, EMPTY_ROOT],
      [index, size, leaf, path, SOME_HASH],
      [index, size, leaf, [...path, Buffer.alloc(0)], root],
      [index, size, leaf, [...path, root], root],
      [index, size, leaf, [Buffer.alloc(0), ...path], root],
      [index, size, leaf, [root, ...path], root],
      ...path.map((_, i): [number, number, Uint8Array, Uint8Array[], Uint8Array] => [
        index,
        size,
        leaf,
        path.map((p, j) => (j === i ? flip(p, 3) : p)),
        root,
      ]),
    ];
    if (path.length > 0) probes.push([index, size, leaf, path.slice(0, -1), root]);
    if (path.length > 1) probes.push([index, size, leaf, [path[0] ?? SOME_HASH, SOME_HASH, ...path.slice(1)], root]);
    for (const [i, n, l, p, r] of probes) expect(verifyInclusion(i, n, l, p, r)).toBe(false);
  });

  it.each(CONSISTENCY_VECTORS)('generates and verifies the consistency proof $first → $second', ({ first, second, proof }) => {
    expect(consistencyProof(first, second, arrayRangeHasher(LEAVES.slice(0, second))).map(hex)).toEqual(proof);
    const path = proof.map(unhex);
    const [root1, root2] = [rootOf(first), rootOf(second)];
    expect(verifyConsistency(first, second, root1, root2, path)).toBe(true);
    if (path.length === 0) return;
    const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [first - 1, second, root1, root2, path],
      [first + 1, second, root1, root2, path],
      [first ^ 2, second, root1, root2, path],
      [first, second * 2, root1, root2, path],
      [first, Math.floor(second / 2), root1, root2, path],
      [first, second, Buffer.from('WrongRoot'), root2, path],
      [first, second, root1, Buffer.from('WrongRoot'), path],
      [first, second, root2, root1, path],
      [first, second, root1, root2, []],
      [first, second, root1, root2, [...path, Buffer.alloc(0)]],
      [first, second, root1, root2, [...path, root1]],
      [first, second, root1, root2, [...path, root2]],
      [first, second, root1, root2, [Buffer.alloc(0), ...path]],
      [first, second, root1, root2, [root1, ...path]],
      [first, second, root1, root2, [root2, ...path]],
      [first, second, root1, root2, [path[0] ?? SOME_HASH, ...path]],
      [first, second, root1, root2, path.slice(0, -1)],
      ...path.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
        first,
        second,
        root1,
        root2,
        path.map((p, j) => (j === i ? flip(p, 4) : p)),
      ]),
    ];
    for (const [a, b, r1, r2, p] of probes) expect(verifyConsistency(a, b, r1, r2, p)).toBe(false);
  });

  it('treats sizes 0 and equal sizes as the reference does', () => {
    const [r1, r2] = [rootOf(1), rootOf(2)];
    expect(verifyConsistency(0, 0, r1, r1, [])).toBe(true);
    expect(verifyConsistency(0, 1, r1, r2, [])).toBe(true);
    expect(verifyConsistency(1, 1, r2, r2, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 0, r1, r2, [])).toBe(false);
    expect(verifyConsistency(2, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(index, size, SOME_HASH, [], EMPTY_ROOT)).toBe(false);
    }
  });
});

const dataArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 70 });
const hashesOf = (data: Uint8Array[]) => data.map((d) => leafHash(d));

describe('properties', () => {
  it('every inclusion proof of every leaf verifies, and fails for any other leaf', () => {
    fc.assert(
      fc.property(dataArb, fc.nat(), (data, pick) => {
        const leaves = hashesOf(data);
        const size = leaves.length;
        const root = rootOfLeafHashes(leaves);
        const index = pick % size;
        const proof = inclusionProof(index, size, arrayRangeHasher(leaves));
        expect(verifyInclusion(index, size, leaves[index] ?? SOME_HASH, proof, root)).toBe(true);
        expect(verifyInclusion(index, size, leafHash(Buffer.from('altered')), proof, root)).toBe(false);
      }),
    );
  });

  it('every consistency proof verifies', () => {
    fc.assert(
      fc.property(dataArb, fc.nat(), (data, pick) => {
        const leaves = hashesOf(data);
        const second = leaves.length;
        const first = pick % (second + 1);
        const proof = consistencyProof(first, second, arrayRangeHasher(leaves));
        const firstRoot = rootOfLeafHashes(leaves.slice(0, first));
        expect(verifyConsistency(first, second, firstRoot, rootOfLeafHashes(leaves), proof)).toBe(true);
      }),
    );
  });

  it('an altered, removed or reordered leaf changes the root and breaks consistency with the old head', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 8 }), {
          minLength: 2,
          maxLength: 40,
          selector: (d) => Buffer.from(d).toString('hex'),
        }),
        fc.nat(),
        fc.constantFrom('alter', 'remove', 'reorder'),
        (data, pick, how) => {
          const leaves = hashesOf(data);
          const root = rootOfLeafHashes(leaves);
          const i = pick % leaves.length;
          const j = (i + 1) % leaves.length;
          const tampered = [...leaves];
          if (how === 'alter') tampered[i] = leafHash(Buffer.concat([data[i] ?? Buffer.alloc(0), Buffer.from([1])]));
          if (how === 'remove') tampered.splice(i, 1);
          if (how === 'reorder') [tampered[i], tampered[j]] = [tampered[j] as Hash, tampered[i] as Hash];
          expect(rootOfLeafHashes(tampered).equals(root)).toBe(false);
          // A head over the tampered log plus later leaves cannot be proven to extend the honest head.
          const grown = [...tampered, leafHash(Buffer.from('later'))];
          const proof = consistencyProof(leaves.length, grown.length, arrayRangeHasher(grown));
          expect(verifyConsistency(leaves.length, grown.length, root, rootOfLeafHashes(grown), proof)).toBe(false);
        },
      ),
    );
  });

  it('the chunked hasher gives the same heads and proofs from chunk roots and at most the named chunks', () => {
    fc.assert(
      fc.property(dataArb, fc.constantFrom(1, 2, 4, 8), fc.nat(), fc.nat(), (data, chunkSize, a, b) => {
        const all = hashesOf(data);
        const size = all.length;
        const index = a % size;
        const first = b % (size + 1);
        const plain = arrayRangeHasher(all);
        const chunked = (needed: number[]) =>
          chunkedRangeHasher({
            chunkSize,
            chunkRoot: (c) =>
              (c + 1) * chunkSize <= size ? rootOfLeafHashes(all, c * chunkSize, (c + 1) * chunkSize) : undefined,
            chunkLeaves: (c) => (needed.includes(c) ? all.slice(c * chunkSize, (c + 1) * chunkSize) : undefined),
          });
        expect(chunked(chunksNeeded(size, chunkSize))(0, size).equals(rootOfLeafHashes(all))).toBe(true);
        expect(chunked(chunksNeeded(first, chunkSize))(0, first).equals(plain(0, first))).toBe(true);
        const forInclusion = chunksNeeded(size, chunkSize, { leafIndex: index });
        expect(forInclusion.length).toBeLessThanOrEqual(2);
        expect(forInclusion).toContain(chunkOf(index, chunkSize));
        expect(inclusionProof(index, size, chunked(forInclusion))).toEqual(inclusionProof(index, size, plain));
        const forConsistency = chunksNeeded(size, chunkSize, { firstSize: first });
        expect(forConsistency.length).toBeLessThanOrEqual(2);
        expect(consistencyProof(first, size, chunked(forConsistency))).toEqual(consistencyProof(first, size, plain));
      }),
    );
  });
});
