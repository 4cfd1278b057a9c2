import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2) §2.1, with SHA-256: the same
 * tree, proofs and verification algorithms any CT tool implements, so a regulator checks
 * our checkpoints with off-the-shelf code. Hashes are 32-byte Buffers throughout.
 *
 * Proof generation is written over a `RangeHasher` (the MTH of leaves [start, end)) rather
 * than over an array, so the store can answer it from chunk roots and at most two chunks
 * of leaves (shared/audit/domain/merkle-chunks.ts) instead of loading every leaf.
 */
export const HASH_BYTES = 32;
export type Hash = Buffer;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256(). */
export const EMPTY_ROOT: Hash = sha256();
/** SHA-256(0x00 || d). */
export const leafHash = (data: Uint8Array): Hash => sha256(LEAF_PREFIX, data);
/** SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Hash => sha256(NODE_PREFIX, left, right);

/** The largest power of two smaller than n (n > 1): where MTH splits D[n]. */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH of leaves [start, end) of some tree. */
export type RangeHasher = (start: number, end: number) => Hash;

/** MTH over an array of leaf hashes (§2.1.1), for any number of leaves. */
export const rootOfLeafHashes = (leaves: readonly Hash[], start = 0, end = leaves.length): Hash => {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[start] ?? fail('leaf out of range');
  const k = splitPoint(n);
  return nodeHash(rootOfLeafHashes(leaves, start, start + k), rootOfLeafHashes(leaves, start + k, end));
};

export const arrayRangeHasher =
  (leaves: readonly Hash[]): RangeHasher =>
  (start, end) =>
    rootOfLeafHashes(leaves, start, end);

const fail = (message: string): never => {
  throw new RangeError(`merkle tree: ${message}`);
};

/**
 * PATH(m, D[n]) of §2.1.3.1 for the tree of leaves [offset, offset + n): the audit path of
 * leaf m, bottom-up. The recursion is the RFC's; `hash` supplies every sibling's MTH.
 */
const path = (m: number, offset: number, n: number, hash: RangeHasher): Hash[] => {
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...path(m, offset, k, hash), hash(offset + k, offset + n)]
    : [...path(m - k, offset + k, n - k, hash), hash(offset, offset + k)];
};

export const inclusionProof = (index: number, treeSize: number, hash: RangeHasher): Hash[] => {
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) fail('leaf index outside the tree');
  return path(index, 0, treeSize, hash);
};

/** SUBPROOF(m, D[n], b) of §2.1.4.1 for the tree of leaves [offset, offset + n). */
const subproof = (m: number, offset: number, n: number, complete: boolean, hash: RangeHasher): Hash[] => {
  if (m === n) return complete ? [] : [hash(offset, offset + n)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, offset, k, complete, hash), hash(offset + k, offset + n)]
    : [...subproof(m - k, offset + k, n - k, false, hash), hash(offset, offset + k)];
};

/** PROOF(m, D[n]) of §2.1.4.1: empty when m is 0 or m equals n. */
export const consistencyProof = (first: number, second: number, hash: RangeHasher): Hash[] => {
  if (!Number.isSafeInteger(first) || first < 0 || first > second) fail('first size outside the tree');
  if (first === 0 || first === second) return [];
  return subproof(first, 0, second, true, hash);
};

const isHash = (value: Uint8Array): boolean => value.length === HASH_BYTES;

/** §2.1.3.2: whether `path` proves leaf `index` (hash `leaf`) in the tree of `treeSize` with `root`. */
export const verifyInclusion = (
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  // Numbers past 2^31 must not meet JavaScript's 32-bit shifts: halve with Math.floor instead.
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
};

/** §2.1.4.2: whether `proof` shows the tree (second, secondRoot) extends (first, firstRoot). */
export const verifyConsistency = (
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean => {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  // The RFC leaves sizes 0 and equal sizes to the caller: an empty tree is a prefix of any
  // tree, and a tree is consistent with itself only under the same root, both with no proof.
  if (first === 0) return proof.length === 0;
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  const path: Uint8Array[] = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  const [head, ...rest] = path;
  if (head === undefined) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = head;
  let sr: Uint8Array = head;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return same(fr, firstRoot) && same(sr, secondRoot) && sn === 0;
};

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;

/**
 * The roots of a growing tree without keeping its leaves: the perfect subtrees of its
 * binary decomposition, largest first (a "compact range" of the whole tree). Appending is
 * amortized O(1) and a root O(log n), so an auditor checks heads of every size in one pass.
 */
export class CompactTree {
  private readonly peaks: { size: number; hash: Hash }[] = [];
  private count = 0;

  public get size(): number {
    return this.count;
  }

  public append(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    for (let top = this.peaks.at(-1); top !== undefined && top.size === node.size; top = this.peaks.at(-1)) {
      this.peaks.pop();
      node = { size: node.size * 2, hash: nodeHash(top.hash, node.hash) };
    }
    this.peaks.push(node);
    this.count += 1;
  }

  /** MTH of the leaves appended so far: the peaks folded right to left, as MTH splits. */
  public root(): Hash {
    let acc: Hash | undefined;
    for (let i = this.peaks.length - 1; i >= 0; i--) {
      const peak = this.peaks[i];
      if (peak === undefined) continue;
      acc = acc === undefined ? peak.hash : nodeHash(peak.hash, acc);
    }
    return acc ?? EMPTY_ROOT;
  }
}
