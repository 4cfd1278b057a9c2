import { BadRequestError, NotFoundError } from '#kernel/errors';
import { consistencyProof, inclusionProof } from '#kernel/merkle-tree';
import { logEntryId } from '../domain/audit-log';
import { chunkedRangeHasher } from '../domain/merkle-chunks';
import { witnessedHeads } from '../store/head-witness';
import { latestHead, leafIndexOf, listHeads, loadTree, type StoredHead } from '../store/merkle-log-repository';

/**
 * Proofs against the signed log. Sizes up to the newest signed head are provable (any
 * prefix of a signed tree is determined by it); a size past it would prove a tree nobody
 * can check yet. Every proof reads the chunk roots and at most two chunks, so its cost is
 * bounded by the log's size over the chunk size, whatever the caller asks.
 */
const signedSize = async (): Promise<number> => (await latestHead())?.treeSize ?? 0;

const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));

export const proveInclusion = async (input: { eventId: string; kind: 'event' | 'declaration'; treeSize: number }) => {
  const published = await signedSize();
  if (input.treeSize > published) {
    throw new BadRequestError('TREE_SIZE_NOT_SIGNED', `treeSize must be at most ${published}, the newest signed head's size`);
  }
  const leafIndex = await leafIndexOf(logEntryId(input));
  if (leafIndex === undefined) throw new NotFoundError('EVENT_NOT_IN_LOG', 'The event is not in the audit log yet');
  if (leafIndex >= input.treeSize) {
    throw new NotFoundError('EVENT_NOT_IN_TREE', `The event is leaf ${leafIndex}, not in a tree of ${input.treeSize}`);
  }
  const tree = await loadTree(input.treeSize, { leafIndex });
  const hash = chunkedRangeHasher(tree);
  return {
    leafIndex,
    treeSize: input.treeSize,
    leafHash: hash(leafIndex, leafIndex + 1).toString('hex'),
    rootHash: hash(0, input.treeSize).toString('hex'),
    inclusionPath: hex(inclusionProof(leafIndex, input.treeSize, hash)),
  };
};

export const proveConsistency = async (input: { first: number; second: number }) => {
  if (input.first > input.second) throw new BadRequestError('SIZES_OUT_OF_ORDER', 'first must not be larger than second');
  const published = await signedSize();
  if (input.second > published) {
    throw new BadRequestError('TREE_SIZE_NOT_SIGNED', `second must be at most ${published}, the newest signed head's size`);
  }
  const tree = await loadTree(input.second, { firstSize: input.first });
  return {
    first: input.first,
    second: input.second,
    consistencyPath: hex(consistencyProof(input.first, input.second, chunkedRangeHasher(tree))),
  };
};

export const publicHead = (head: StoredHead) => ({
  treeSize: head.treeSize,
  rootHash: head.rootHash,
  timestamp: head.timestamp,
  previousTreeSize: head.previousTreeSize,
  ...(head.recordedBefore === undefined ? {} : { recordedBefore: head.recordedBefore }),
  signedHead: head.jws,
});

export const listCheckpoints = async (query: { cursor?: string; limit: number }) => {
  const page = await listHeads(query);
  return { checkpoints: page.heads.map(publicHead), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
};

export const latestCheckpoint = async () => {
  const head = await latestHead();
  if (head === undefined) throw new NotFoundError('NO_CHECKPOINT', 'No tree head has been signed yet');
  return publicHead(head);
};

/** The witness's heads as published, never the table's: what verify-export checks an export's head against. */
export const listWitnessedHeads = async (query: { treeSize?: number; limit: number }) => ({
  heads: await witnessedHeads(query),
});
