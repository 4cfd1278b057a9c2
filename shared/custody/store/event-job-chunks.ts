/**
 * An event job's input and result chunks: consecutive entries, gzipped JSON, under a sort
 * key that carries the index of the chunk's last entry, so "everything from index i on"
 * is one range query that starts in the chunk holding i.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName, queryAll } from '#kernel/db/dynamodb-client';
import { eventJobInputKey, eventJobLastSortKey, eventJobPartition, eventJobResultKey } from '#kernel/db/item-keys';

/** What a stored result must carry: its absolute index in the submitted call. */
export interface IndexedEntry {
  index: number;
}

const DAY_SECONDS = 24 * 60 * 60;
/** How long a finished job stays readable. */
export const EVENT_JOB_RETENTION_SECONDS = 7 * DAY_SECONDS;
/**
 * Chunks get a day more than the header, from their own write, so they always outlive
 * the header that points at them (a job runs minutes, not a day).
 */
export const CHUNK_RETENTION_SECONDS = EVENT_JOB_RETENTION_SECONDS + DAY_SECONDS;
/** Raw JSON per chunk before compression: DynamoDB's item limit is 400 KB. */
export const MAX_CHUNK_JSON_BYTES = 300 * 1024;
const MAX_ITEM_DATA_BYTES = 350 * 1024;

export const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export interface Chunk<T> {
  first: number;
  last: number;
  values: T[];
}

/**
 * Consecutive values in chunks of at most MAX_CHUNK_JSON_BYTES of JSON each (one value
 * larger than that gets a chunk of its own: compression still has to fit it in an item).
 */
export const chunkBySize = <T>(values: readonly T[], firstIndex: number, maxBytes = MAX_CHUNK_JSON_BYTES): Chunk<T>[] => {
  const chunks: Chunk<T>[] = [];
  let current: Chunk<T> | undefined;
  let size = 0;
  for (const [offset, value] of values.entries()) {
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;
    if (current === undefined || size + bytes > maxBytes) {
      current = { first: firstIndex + offset, last: firstIndex + offset, values: [] };
      chunks.push(current);
      size = 0;
    }
    current.values.push(value);
    current.last = firstIndex + offset;
    size += bytes;
  }
  return chunks;
};

const encode = (values: readonly unknown[]): Uint8Array => {
  const data = gzipSync(Buffer.from(JSON.stringify(values), 'utf8'));
  if (data.byteLength > MAX_ITEM_DATA_BYTES) throw new Error(`An event job chunk compresses to ${data.byteLength} bytes`);
  return data;
};

const decode = <T>(item: Record<string, unknown>): Chunk<T> => ({
  first: Number(item.first),
  last: Number(item.last),
  values: JSON.parse(gunzipSync(item.data as Uint8Array).toString('utf8')) as T[],
});

export const chunkItem = (key: { pk: string; sk: string }, chunk: Chunk<unknown>, nowMs: number) => ({
  ...key,
  type: 'eventJobChunk',
  first: chunk.first,
  last: chunk.last,
  data: encode(chunk.values),
  expiresAt: epochSeconds(nowMs) + CHUNK_RETENTION_SECONDS,
});

/** The events a job still has to do, from `fromIndex` on, in order. */
export const loadEventJobInputs = async <T>(id: string, fromIndex: number): Promise<Chunk<T>> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': eventJobPartition(id),
      ':from': eventJobInputKey(id, fromIndex).sk,
      ':to': eventJobLastSortKey('INPUT'),
    },
    ConsistentRead: true,
  });
  const values: T[] = [];
  let expected = fromIndex;
  for (const item of items) {
    const chunk = decode<T>(item);
    for (const [offset, value] of chunk.values.entries()) {
      const index = chunk.first + offset;
      if (index < fromIndex) continue;
      if (index !== expected) throw new Error(`Event job ${id} lacks input ${expected}`);
      values.push(value);
      expected += 1;
    }
  }
  return { first: fromIndex, last: expected - 1, values };
};

/** Up to `limit` stored results from index `fromIndex` on, in order. */
export const listEventJobResults = async <T extends IndexedEntry>(id: string, fromIndex: number, limit: number): Promise<T[]> => {
  const results: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  // Paged by hand, not queryAll: it stops at `limit` results, and a job's results run far past a page.
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: mainTableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': eventJobPartition(id),
          ':from': eventJobResultKey(id, fromIndex).sk,
          ':to': eventJobLastSortKey('RESULT'),
        },
        // Chunks hold up to a few hundred results; a few chunks fill any page.
        Limit: 4,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      for (const result of decode<T>(item).values) {
        if (result.index < fromIndex) continue;
        // Results are contiguous by construction; stop rather than skip should one be missing.
        if (result.index !== fromIndex + results.length || results.length >= limit) return results;
        results.push(result);
      }
    }
    startKey = results.length < limit ? page.LastEvaluatedKey : undefined;
  } while (startKey !== undefined);
  return results;
};
