import { EMPTY_ROOT, type Hash, nodeHash, type RangeHasher, rootOfLeafHashes, splitPoint } from '#kernel/merkle-tree';

/**
 * The log's leaves live in fixed chunks of CHUNK_SIZE (a power of two), each complete chunk
 * with its subtree root. Every range the RFC 9162 recursions ask for either is a whole
 * chunk, lies inside one chunk, or splits on a chunk boundary (the split point of a range
 * longer than a chunk, starting on a boundary, is a multiple of the chunk size). So the head
 * of any size and any proof need the chunk roots plus the leaves of at most two chunks:
 * `chunksNeeded` names them, and the store reads just those.
 */
export interface ChunkedLeaves {
  chunkSize: number;
  /** Root of complete chunk i. */
  chunkRoot: (chunk: number) => Hash | undefined;
  /** Leaf hashes of chunk i, when loaded. */
  chunkLeaves: (chunk: number) => readonly Hash[] | undefined;
}

export const chunkOf = (index: number, chunkSize: number): number => Math.floor(index / chunkSize);

/**
 * The chunks whose leaves a head or proof over a tree of `treeSize` needs: the tree's last,
 * partial chunk, and for an inclusion proof the leaf's chunk, for a consistency proof the
 * chunk where the older tree ended (its partial chunk).
 */
export const chunksNeeded = (
  treeSize: number,
  chunkSize: number,
  also: { leafIndex?: number; firstSize?: number } = {},
): number[] => {
  const chunks = new Set<number>();
  const partialOf = (size: number) => {
    if (size % chunkSize !== 0) chunks.add(chunkOf(size - 1, chunkSize));
  };
  partialOf(treeSize);
  if (also.leafIndex !== undefined) chunks.add(chunkOf(also.leafIndex, chunkSize));
  if (also.firstSize !== undefined && also.firstSize > 0) partialOf(also.firstSize);
  return [...chunks].sort((a, b) => a - b);
};

export class MissingChunkError extends Error {
  public constructor(chunk: number) {
    super(`merkle log: chunk ${chunk} was needed but not loaded`);
    this.name = 'MissingChunkError';
  }
}

export const chunkedRangeHasher = (source: ChunkedLeaves): RangeHasher => {
  const { chunkSize } = source;
  const hash: RangeHasher = (start, end) => {
    const n = end - start;
    if (n <= 0) return EMPTY_ROOT;
    const chunk = chunkOf(start, chunkSize);
    if (start % chunkSize === 0 && n === chunkSize) {
      const root = source.chunkRoot(chunk);
      if (root !== undefined) return root;
    }
    if (chunkOf(end - 1, chunkSize) === chunk) {
      const leaves = source.chunkLeaves(chunk);
      if (leaves === undefined) throw new MissingChunkError(chunk);
      const base = chunk * chunkSize;
      return rootOfLeafHashes(leaves, start - base, end - base);
    }
    const k = splitPoint(n);
    return nodeHash(hash(start, start + k), hash(start + k, end));
  };
  return hash;
};
