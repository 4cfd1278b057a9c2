import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#kernel/db/cursors';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { leafHash, rootOfLeafHashes } from '#kernel/merkle-tree';
import { chunkedRangeHasher } from '#shared/audit/domain/merkle-chunks';
import {
  type AppendEntry,
  AUDIT_LOG_CHUNK_SIZE,
  acquireLogLease,
  appendedEventIds,
  appendLeaves,
  chunkItemsOf,
  entryIdsAt,
  LogBusyError,
  type LogState,
  latestHead,
  leafIndexesOf,
  leafIndexOf,
  leavesFromChunkStart,
  listHeads,
  loadTree,
  MAX_APPEND_BATCH,
  putHead,
  readChunks,
  readLogState,
  releaseLogLease,
} from '#shared/audit/store/merkle-log-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The transparency log's single writer, against DynamoDB Local (one table per test file, so
 * one log): only the lease holder appends, only from the size it read, an event gets one
 * leaf, chunks are rewritten whole across their boundary, and a tree read back from chunk
 * roots has the root of its leaves. The checkpoint built on it is in audit-checkpoints.test.ts.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

const entry = (n: number): AppendEntry => ({
  eventId: `evt-${String(n).padStart(5, '0')}`,
  recordTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  leafHash: leafHash(Buffer.from(`event ${n}`)),
});
const entries = (from: number, count: number) => Array.from({ length: count }, (_, i) => entry(from + i));
const NOW = 1_800_000_000_000;

describe('the audit log', () => {
  // One log, built up in order: each test continues from the one before.
  const owner = `checkpointer-${randomUUID()}`;
  let state: LogState;

  it('lets one checkpointer hold it at a time, renewing its own lease, and the next take it once it lapses', async () => {
    state = await acquireLogLease(owner, NOW, 60_000);
    expect(state).toEqual({ size: 0 });
    await expect(acquireLogLease('other', NOW + 59_999, 60_000)).rejects.toThrow(LogBusyError);
    expect(await acquireLogLease(owner, NOW + 30_000, 60_000)).toEqual({ size: 0 });
    // A run whose lease was taken gives back nothing.
    await releaseLogLease('other');
    await expect(acquireLogLease('other', NOW + 60_000, 60_000)).rejects.toThrow(LogBusyError);
    expect(await acquireLogLease('other', NOW + 90_001, 60_000)).toEqual({ size: 0 });
    await releaseLogLease('other');
    state = await acquireLogLease(owner, NOW, 60_000);
  });

  it('appends nothing for no entries, and refuses a batch one transaction cannot hold', async () => {
    expect(await appendLeaves(owner, state, [])).toBe(state);
    await expect(appendLeaves(owner, state, entries(0, MAX_APPEND_BATCH + 1))).rejects.toThrow(RangeError);
    expect(await readLogState()).toEqual({ size: 0 });
  });

  it('appends only for the lease holder, from the size it read, each event once', async () => {
    await expect(appendLeaves('other', state, entries(0, 3))).rejects.toThrow(LogBusyError);
    state = await appendLeaves(owner, state, entries(0, 3));
    expect(state).toEqual({ size: 3, last: { recordTime: entry(2).recordTime, eventId: entry(2).eventId } });
    // From a size it no longer has: another writer moved it.
    await expect(appendLeaves(owner, { size: 0 }, entries(3, 1))).rejects.toThrow(LogBusyError);
    // An event that already has a leaf, from the right size: refused, the log unchanged.
    await expect(appendLeaves(owner, state, [entry(3), entry(1)])).rejects.toThrow(LogBusyError);
    expect(await readLogState()).toEqual(state);
    expect(await leafIndexOf(entry(1).eventId)).toBe(1);
    expect(await leafIndexOf(entry(3).eventId)).toBeUndefined();
  });

  it('rewrites the partial chunk whole across its boundary, with the root of each chunk it completes', async () => {
    while (state.size < AUDIT_LOG_CHUNK_SIZE + 10) {
      const count = Math.min(MAX_APPEND_BATCH, AUDIT_LOG_CHUNK_SIZE + 10 - state.size);
      state = await appendLeaves(owner, state, entries(state.size, count));
    }
    const all = entries(0, state.size);
    const chunks = await readChunks([0, 1]);
    expect(chunks.get(0)).toEqual(all.slice(0, AUDIT_LOG_CHUNK_SIZE).map((e) => e.leafHash));
    expect(chunks.get(1)).toEqual(all.slice(AUDIT_LOG_CHUNK_SIZE).map((e) => e.leafHash));
    expect(await readChunks([])).toEqual(new Map());
    const tree = await loadTree(state.size, { leafIndex: 5 });
    expect(tree.chunkRoot(0)).toEqual(rootOfLeafHashes(all.slice(0, AUDIT_LOG_CHUNK_SIZE).map((e) => e.leafHash)));
    expect(chunkedRangeHasher(tree)(0, state.size)).toEqual(rootOfLeafHashes(all.map((e) => e.leafHash)));
    const small = await loadTree(3);
    expect(chunkedRangeHasher(small)(0, 3)).toEqual(rootOfLeafHashes(all.slice(0, 3).map((e) => e.leafHash)));
  });

  it('finds the leaf of each event and the event of each leaf', async () => {
    const ids = [entry(0).eventId, entry(AUDIT_LOG_CHUNK_SIZE + 1).eventId, 'never-appended'];
    expect(await leafIndexesOf(ids)).toEqual(
      new Map([
        [entry(0).eventId, 0],
        [entry(AUDIT_LOG_CHUNK_SIZE + 1).eventId, AUDIT_LOG_CHUNK_SIZE + 1],
      ]),
    );
    expect(await appendedEventIds(ids)).toEqual(new Set(ids.slice(0, 2)));
    const at = await entryIdsAt([2, AUDIT_LOG_CHUNK_SIZE + 9, AUDIT_LOG_CHUNK_SIZE + 10, 9 * AUDIT_LOG_CHUNK_SIZE]);
    // Past the log's end, in its last chunk or in a chunk never written: no id.
    expect(at).toEqual(
      new Map([
        [2, entry(2).eventId],
        [AUDIT_LOG_CHUNK_SIZE + 9, entry(AUDIT_LOG_CHUNK_SIZE + 9).eventId],
      ]),
    );
    expect(await entryIdsAt([])).toEqual(new Map());
  });

  it('keeps the ids a partial chunk knows, and leaves blank those a chunk written before ids were kept does not', async () => {
    const from = await leavesFromChunkStart(state, [entry(state.size)]);
    expect(from.firstChunk).toBe(1);
    expect(from.ids).toEqual(entries(AUDIT_LOG_CHUNK_SIZE, 11).map((e) => e.eventId));
    expect(from.leaves).toHaveLength(11);
    // An old chunk: hashes without ids.
    const oldLeaves = entries(AUDIT_LOG_CHUNK_SIZE, 10).map((e) => e.leafHash);
    const [oldChunk] = chunkItemsOf(1, oldLeaves);
    expect(oldChunk).not.toHaveProperty('ids');
    await documentClient.send(new PutCommand({ TableName: mainTableName(), Item: oldChunk }));
    const old = await leavesFromChunkStart(state, [entry(state.size)]);
    expect(old.ids).toEqual([...Array.from({ length: 10 }, () => ''), entry(state.size).eventId]);
    expect(await entryIdsAt([AUDIT_LOG_CHUNK_SIZE + 1])).toEqual(new Map());
    // A state claiming more leaves than its chunk holds is corrupt, never padded.
    await expect(leavesFromChunkStart({ size: state.size + 5 }, [])).rejects.toThrow(/shorter than the log/);
  });
});

describe('signed heads', () => {
  const head = (treeSize: number, recordedBefore?: string) => ({
    treeSize,
    rootHash: `root-${treeSize}`,
    timestamp: new Date(Date.UTC(2026, 1, 1, 0, treeSize)).toISOString(),
    previousTreeSize: Math.max(0, treeSize - 1),
    ...(recordedBefore === undefined ? {} : { recordedBefore }),
    jws: `jws-${treeSize}`,
  });

  it('are kept once each and listed newest first, a page at a time', async () => {
    expect(await latestHead()).toBeUndefined();
    await putHead(head(1));
    await putHead(head(2, '2026-02-01T00:00:00.000Z'));
    await putHead(head(3));
    await expect(putHead({ ...head(3), jws: 'another' })).rejects.toThrow();
    const first = await listHeads({ limit: 2 });
    expect(first.heads).toEqual([head(3), head(2, '2026-02-01T00:00:00.000Z')]);
    const second = await listHeads({ limit: 2, cursor: first.cursor });
    expect(second.heads).toEqual([head(1)]);
    expect(await latestHead()).toEqual(head(3));
    await expect(listHeads({ limit: 2, cursor: `${first.cursor ?? ''}x` })).rejects.toThrow(InvalidCursorError);
  });
});
