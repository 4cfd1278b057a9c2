/**
 * The audit transparency log in the table. Leaf hashes sit in chunks of AUDIT_LOG_CHUNK_SIZE
 * (one item each, the hashes concatenated), every complete chunk's subtree root in its own
 * small item, so a head or proof reads the roots (one query page per ~10,000 chunks) and at
 * most two chunks (shared/audit/domain/merkle-chunks.ts), never every leaf. One pointer per event
 * (conditional: appended once) gives its leaf index; every signed head is its own item.
 *
 * (Over 300 lines: the log's items are written together and under one writer's conditions.)
 *
 * Appending is single-writer: a lease on the state item, and each append transaction is
 * conditioned on the lease owner and the size it read, so two checkpointers never both
 * append, and one whose lease lapsed cannot write over its successor.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import {
  batchGetAll,
  documentClient,
  isConditionFailure,
  mainTableName,
  queryAll,
  type TransactItems,
  transactWrite,
} from '#kernel/db/dynamodb-client';
import {
  AUDIT_LOG_HEAD_PREFIX,
  AUDIT_LOG_HEADS_PARTITION,
  AUDIT_LOG_ROOTS_PARTITION,
  auditLogChunkKey,
  auditLogChunkRootKey,
  auditLogHeadKey,
  auditLogLeafPointerKey,
  auditLogStateKey,
} from '#kernel/db/item-keys';
import { HASH_BYTES, type Hash, rootOfLeafHashes } from '#kernel/merkle-tree';
import { type ChunkedLeaves, chunkOf, chunksNeeded } from '../domain/merkle-chunks';

/** A power of two: 256 hashes = 8 KiB per chunk item, rewritten whole on each append. */
export const AUDIT_LOG_CHUNK_SIZE = 256;
/** Leaves per append transaction: pointers + 2 chunks + 2 roots + the state stay under DynamoDB's 100. */
export const MAX_APPEND_BATCH = 64;

export interface LogState {
  size: number;
  /** The last appended event in log order, where the next run's listing starts. */
  last?: { recordTime: string; eventId: string };
}

export interface AppendEntry {
  eventId: string;
  recordTime: string;
  leafHash: Hash;
}

export class LogBusyError extends Error {
  public constructor() {
    super('Another checkpointer holds the audit log');
    this.name = 'LogBusyError';
  }
}

const stateOf = (item: Record<string, unknown> | undefined): LogState => ({
  size: Number(item?.size ?? 0),
  ...(typeof item?.lastRecordTime === 'string' && typeof item.lastEventId === 'string'
    ? { last: { recordTime: item.lastRecordTime, eventId: item.lastEventId } }
    : {}),
});

export const readLogState = async (): Promise<LogState> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: auditLogStateKey, ConsistentRead: true }),
  );
  return stateOf(Item);
};

/** Takes the log for `ms`, unless someone else holds an unexpired lease (LogBusyError). */
export const acquireLogLease = async (owner: string, now: number, ms: number): Promise<LogState> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: auditLogStateKey,
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, #size = if_not_exists(#size, :zero)',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
        ExpressionAttributeNames: { '#size': 'size' },
        ExpressionAttributeValues: { ':owner': owner, ':until': now + ms, ':now': now, ':zero': 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stateOf(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) throw new LogBusyError();
    throw error;
  }
};

export const releaseLogLease = async (owner: string): Promise<void> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: auditLogStateKey,
        UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    // Lapsed and taken by another: theirs now, nothing of ours to release.
    if (!isConditionFailure(error)) throw error;
  }
};

const splitHashes = (bytes: unknown): Hash[] => {
  if (!(bytes instanceof Uint8Array)) return [];
  const buffer = Buffer.from(bytes);
  const hashes: Hash[] = [];
  for (let i = 0; i + HASH_BYTES <= buffer.length; i += HASH_BYTES) hashes.push(buffer.subarray(i, i + HASH_BYTES));
  return hashes;
};

export const readChunks = async (chunks: readonly number[]): Promise<Map<number, Hash[]>> => {
  if (chunks.length === 0) return new Map();
  const items = await batchGetAll(chunks.map(auditLogChunkKey), { consistentRead: true });
  return new Map(items.map((item) => [Number(item.chunk), splitHashes(item.leaves)]));
};

/** Which of these events already have a leaf. */
export const appendedEventIds = async (eventIds: readonly string[]): Promise<Set<string>> => {
  const items = await batchGetAll(eventIds.map(auditLogLeafPointerKey), { consistentRead: true, projection: 'eventId' });
  return new Set(items.map((item) => String(item.eventId)));
};

/** The leaf index of each of these entries that has one (exports read 100 at a time). */
export const leafIndexesOf = async (entryIds: readonly string[]): Promise<Map<string, number>> => {
  const items = await batchGetAll(entryIds.map(auditLogLeafPointerKey), { projection: 'eventId, leafIndex' });
  return new Map(items.map((item) => [String(item.eventId), Number(item.leafIndex)]));
};

export const leafIndexOf = async (eventId: string): Promise<number | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: auditLogLeafPointerKey(eventId) }),
  );
  return Item === undefined ? undefined : Number(Item.leafIndex);
};

/**
 * The entry id of each of these leaves, where its chunk names it (chunks keep their leaves'
 * ids beside the hashes; a chunk written before they did names none). An export reads the
 * events at the edges of its range this way; the id is only a pointer, every use of it is
 * checked against the leaf hash by an inclusion proof.
 */
export const entryIdsAt = async (leafIndexes: readonly number[]): Promise<Map<number, string>> => {
  const chunks = [...new Set(leafIndexes.map((i) => chunkOf(i, AUDIT_LOG_CHUNK_SIZE)))];
  if (chunks.length === 0) return new Map();
  const items = await batchGetAll(chunks.map(auditLogChunkKey), { consistentRead: true, projection: 'chunk, ids' });
  const ids = new Map(items.map((item) => [Number(item.chunk), Array.isArray(item.ids) ? item.ids.map(String) : []]));
  const found = new Map<number, string>();
  for (const index of leafIndexes) {
    const id = ids.get(chunkOf(index, AUDIT_LOG_CHUNK_SIZE))?.[index % AUDIT_LOG_CHUNK_SIZE];
    if (id !== undefined && id !== '') found.set(index, id);
  }
  return found;
};

/**
 * The leaves (and their entry ids) from the start of the chunk where `entries` begin: that
 * chunk's stored leaves (a partial chunk is rewritten whole), then the entries' own.
 */
export const leavesFromChunkStart = async (
  state: LogState,
  entries: readonly AppendEntry[],
): Promise<{ firstChunk: number; leaves: Hash[]; ids: string[] }> => {
  const firstChunk = chunkOf(state.size, AUDIT_LOG_CHUNK_SIZE);
  const inChunk = state.size % AUDIT_LOG_CHUNK_SIZE;
  const existing = inChunk === 0 ? [] : ((await readChunks([firstChunk])).get(firstChunk) ?? []);
  if (existing.length < inChunk) throw new Error('audit log: the partial chunk is shorter than the log');
  const knownIds =
    inChunk === 0
      ? new Map<number, string>()
      : await entryIdsAt(Array.from({ length: inChunk }, (_, i) => state.size - inChunk + i));
  return {
    firstChunk,
    leaves: [...existing.slice(0, inChunk), ...entries.map((e) => e.leafHash)],
    ids: [
      ...Array.from({ length: inChunk }, (_, i) => knownIds.get(state.size - inChunk + i) ?? ''),
      ...entries.map((e) => e.eventId),
    ],
  };
};

/** The items holding `leaves` from the start of `firstChunk`: each chunk (with its leaves' ids), and the root of each complete one. */
export const chunkItemsOf = (
  firstChunk: number,
  leaves: readonly Hash[],
  ids: readonly string[] = [],
): Record<string, unknown>[] => {
  const items: Record<string, unknown>[] = [];
  for (let offset = 0, chunk = firstChunk; offset < leaves.length; offset += AUDIT_LOG_CHUNK_SIZE, chunk++) {
    const chunkLeaves = leaves.slice(offset, offset + AUDIT_LOG_CHUNK_SIZE);
    const chunkIds = ids.slice(offset, offset + AUDIT_LOG_CHUNK_SIZE);
    items.push({
      ...auditLogChunkKey(chunk),
      type: 'auditLogChunk',
      chunk,
      leaves: Buffer.concat(chunkLeaves),
      ...(chunkIds.length === chunkLeaves.length ? { ids: chunkIds } : {}),
    });
    if (chunkLeaves.length === AUDIT_LOG_CHUNK_SIZE)
      items.push({ ...auditLogChunkRootKey(chunk), type: 'auditLogChunkRoot', chunk, root: rootOfLeafHashes(chunkLeaves) });
  }
  return items;
};

export const leafPointerItem = (entry: AppendEntry, leafIndex: number): Record<string, unknown> => ({
  ...auditLogLeafPointerKey(entry.eventId),
  type: 'auditLogLeaf',
  eventId: entry.eventId,
  leafIndex,
});

/** The state moved from `state.size` on by `entries`, only for the lease owner and only from that size. */
export const stateAdvance = (owner: string, state: LogState, entries: readonly AppendEntry[]) => {
  const last = entries.at(-1);
  return {
    TableName: mainTableName(),
    Key: auditLogStateKey,
    UpdateExpression: 'SET #size = :size, lastRecordTime = :recordTime, lastEventId = :eventId',
    ConditionExpression: '#size = :expected AND leaseOwner = :owner',
    ExpressionAttributeNames: { '#size': 'size' },
    ExpressionAttributeValues: {
      ':size': state.size + entries.length,
      ':expected': state.size,
      ':owner': owner,
      ':recordTime': last?.recordTime,
      ':eventId': last?.eventId,
    },
  };
};

/**
 * Appends up to MAX_APPEND_BATCH leaves after `state.size`, in one transaction: the touched
 * chunks, the roots of chunks it completes, one pointer per event, and the state moved on.
 * Returns the new state; throws LogBusyError when the lease or the size moved under us.
 */
export const appendLeaves = async (owner: string, state: LogState, entries: readonly AppendEntry[]): Promise<LogState> => {
  const last = entries.at(-1);
  if (last === undefined) return state;
  if (entries.length > MAX_APPEND_BATCH) throw new RangeError('audit log: append batch too large');
  const TableName = mainTableName();
  const { firstChunk, leaves, ids } = await leavesFromChunkStart(state, entries);
  const items: TransactItems = [
    { Update: stateAdvance(owner, state, entries) },
    ...chunkItemsOf(firstChunk, leaves, ids).map((Item) => ({ Put: { TableName, Item } })),
    ...entries.map((entry, i) => ({
      Put: { TableName, Item: leafPointerItem(entry, state.size + i), ConditionExpression: 'attribute_not_exists(pk)' },
    })),
  ];
  const outcome = await transactWrite(items);
  // The state is item 0: "duplicate" there means the size or lease moved, i.e. another writer.
  if (outcome !== 'recorded') throw new LogBusyError();
  return { size: state.size + entries.length, last: { recordTime: last.recordTime, eventId: last.eventId } };
};

/** What a head or proof over the first `treeSize` leaves needs, read in O(1 + treeSize / chunk) items. */
export const loadTree = async (
  treeSize: number,
  also: { leafIndex?: number; firstSize?: number } = {},
): Promise<ChunkedLeaves> => {
  const completeChunks = Math.floor(treeSize / AUDIT_LOG_CHUNK_SIZE);
  const [rootItems, chunks] = await Promise.all([
    completeChunks === 0
      ? Promise.resolve([])
      : queryAll({
          TableName: mainTableName(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': AUDIT_LOG_ROOTS_PARTITION,
            ':from': auditLogChunkRootKey(0).sk,
            ':to': auditLogChunkRootKey(completeChunks - 1).sk,
          },
          ProjectionExpression: 'chunk, #root',
          ExpressionAttributeNames: { '#root': 'root' },
          ConsistentRead: true,
        }),
    readChunks(chunksNeeded(treeSize, AUDIT_LOG_CHUNK_SIZE, also)),
  ]);
  const roots = new Map(rootItems.map((item) => [Number(item.chunk), Buffer.from(item.root as Uint8Array)]));
  return { chunkSize: AUDIT_LOG_CHUNK_SIZE, chunkRoot: (c) => roots.get(c), chunkLeaves: (c) => chunks.get(c) };
};

export interface StoredHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  previousTreeSize: number;
  recordedBefore?: string;
  /** The compact JWS over the head. */
  jws: string;
}

export const putHead = async (head: StoredHead): Promise<void> => {
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: { ...auditLogHeadKey(head.timestamp, head.treeSize), type: 'auditLogHead', ...head },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

const headOf = (item: Record<string, unknown>): StoredHead => ({
  treeSize: Number(item.treeSize),
  rootHash: String(item.rootHash),
  timestamp: String(item.timestamp),
  previousTreeSize: Number(item.previousTreeSize),
  ...(typeof item.recordedBefore === 'string' ? { recordedBefore: item.recordedBefore } : {}),
  jws: String(item.jws),
});

/** Signed heads, newest first, a page at a time. */
export const listHeads = async (input: { cursor?: string; limit: number }): Promise<{ heads: StoredHead[]; cursor?: string }> => {
  const cursorShape = {
    listing: 'checkpoints',
    exact: { pk: AUDIT_LOG_HEADS_PARTITION },
    prefixed: { sk: AUDIT_LOG_HEAD_PREFIX },
  };
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': AUDIT_LOG_HEADS_PARTITION },
      ScanIndexForward: false,
      Limit: input.limit,
      ExclusiveStartKey: await decodeCursor(input.cursor, cursorShape),
    }),
  );
  return { heads: (page.Items ?? []).map(headOf), cursor: await encodeCursor(page.LastEvaluatedKey, cursorShape) };
};

export const latestHead = async (): Promise<StoredHead | undefined> => (await listHeads({ limit: 1 })).heads[0];
