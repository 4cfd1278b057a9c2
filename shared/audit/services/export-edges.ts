import { eventsByEntryId, eventsInOrder } from '#custody';
import { inclusionProof } from '#kernel/merkle-tree';
import { chunkedRangeHasher } from '../domain/merkle-chunks';
import { entryIdsAt, leafIndexesOf, loadTree } from '../store/merkle-log-repository';

/**
 * The edges of a complete export's range in the log. Its records' leaves are consecutive,
 * but that alone does not show that none is missing before the first or after the last: the
 * manifest names the range's first and last leaf and carries the leaf just outside each
 * end (the event, its leaf index and its inclusion proof), so a verifier sees from the
 * event's own record time that it lies outside the range. Deleting the first or last
 * events of a range from the table then shows: the leaf next to the first record is an
 * event of the range, or no event can be shown for it at all.
 */
export interface EdgeLeaf {
  leafIndex: number;
  entryId: string;
  /** The stored EPCIS JSON: its record time is what the verifier compares. */
  epcis: string;
  inclusionPath: string[];
}

export interface ExportLeafRange {
  /** The first leaf of the range; `last + 1` when the range holds no leaf. */
  first: number;
  last: number;
  /** Leaf `first - 1`, absent at the log's start or when no event can be shown for it. */
  before: EdgeLeaf | null;
  /** Leaf `last + 1`, absent at the head's end or when no event can be shown for it. */
  after: EdgeLeaf | null;
}

const edgeLeaf = async (leafIndex: number, treeSize: number): Promise<EdgeLeaf | null> => {
  if (leafIndex < 0 || leafIndex >= treeSize) return null;
  const entryId = (await entryIdsAt([leafIndex])).get(leafIndex);
  if (entryId === undefined) return null;
  const event = (await eventsByEntryId([entryId])).get(entryId);
  if (event === undefined) return null;
  const hash = chunkedRangeHasher(await loadTree(treeSize, { leafIndex }));
  const inclusionPath = inclusionProof(leafIndex, treeSize, hash).map((h) => h.toString('hex'));
  return { leafIndex, entryId, epcis: event.epcis, inclusionPath };
};

/**
 * Where a range without proven records sits: the leaf of the first event recorded at or
 * after its end that the head covers, or the head's size when none does. Read from the
 * time index up to the head's signing time (no later event has a leaf in it).
 */
const positionAfter = async (to: string, head: { treeSize: number; timestamp: string }): Promise<number> => {
  if (to >= head.timestamp) return head.treeSize;
  for await (const step of eventsInOrder({ kind: 'time' }, { from: to, to: head.timestamp })) {
    if (!('event' in step)) continue;
    const { eventId, source } = step.event;
    const entryId = source === 'declaration' ? `${eventId}#declaration` : eventId;
    const leaf = (await leafIndexesOf([entryId])).get(entryId);
    if (leaf !== undefined && leaf < head.treeSize) return leaf;
  }
  return head.treeSize;
};

export const exportLeafRange = async (input: {
  head: { treeSize: number; timestamp: string };
  range: { from: string; to: string };
  /** The first and last leaf of the records written, when any was proven. */
  proven?: { first: number; last: number };
}): Promise<ExportLeafRange> => {
  const { treeSize } = input.head;
  const first = input.proven?.first ?? (await positionAfter(input.range.to, input.head));
  const last = input.proven?.last ?? first - 1;
  const [before, after] = await Promise.all([edgeLeaf(first - 1, treeSize), edgeLeaf(last + 1, treeSize)]);
  return { first, last, before, after };
};
