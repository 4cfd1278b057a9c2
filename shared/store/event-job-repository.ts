import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../domain/types';
import { batchPutAll, documentClient, isConditionFailure, mainTableName, queryAll } from './dynamodb-client';

/**
 * Event jobs: the part of a `POST /v1/events` call that did not fit in the request's time,
 * finished by a worker. One partition per job: a header item (who, where it stands, the
 * worker's lease), the events still to do in input chunks, and the results in result
 * chunks. A chunk's sort key carries the index of its last entry, so "everything from
 * index i on" is one range query that starts in the chunk holding i.
 *
 * Progress and results are written in one transaction conditioned on the lease and the
 * expected next index, so a result, once stored, is never replaced by a later replay.
 */
export type EventJobStatus = 'running' | 'done' | 'failed';

export interface EventJobSummary {
  recorded: number;
  duplicate: number;
  rejected: number;
}

export interface EventJob {
  id: string;
  /** The submitting principal: the worker acts as it, and only its organization reads the job. */
  orgId: string;
  role: Role;
  clientId: string;
  status: EventJobStatus;
  total: number;
  /** Events [0, nextIndex) have their results stored. */
  nextIndex: number;
  summary: EventJobSummary;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  error?: { code: string; message: string };
  /** Worker runs that ended in an unexpected error. */
  failedAttempts: number;
  /** Worker runs that took the lease, for operations (how often a job was resumed). */
  runs: number;
  leaseOwner?: string;
  /** Epoch ms; a lease past this time is free for the next worker. */
  leaseUntil?: number;
}

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
const CHUNK_RETENTION_SECONDS = EVENT_JOB_RETENTION_SECONDS + DAY_SECONDS;
/** Raw JSON per chunk before compression: DynamoDB's item limit is 400 KB. */
export const MAX_CHUNK_JSON_BYTES = 300 * 1024;
const MAX_ITEM_DATA_BYTES = 350 * 1024;
const INDEX_WIDTH = 6;

const jobPk = (id: string) => `EVENTJOB#${id}`;
const headerKey = (id: string) => ({ pk: jobPk(id), sk: 'JOB' });
const pad = (index: number) => String(index).padStart(INDEX_WIDTH, '0');
const inputKey = (id: string, last: number) => ({ pk: jobPk(id), sk: `INPUT#${pad(last)}` });
const resultKey = (id: string, last: number) => ({ pk: jobPk(id), sk: `RESULT#${pad(last)}` });

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

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

const chunkItem = (key: { pk: string; sk: string }, chunk: Chunk<unknown>, nowMs: number) => ({
  ...key,
  type: 'eventJobChunk',
  first: chunk.first,
  last: chunk.last,
  data: encode(chunk.values),
  expiresAt: epochSeconds(nowMs) + CHUNK_RETENTION_SECONDS,
});

const toJob = (item: Record<string, unknown>): EventJob => ({
  id: String(item.id),
  orgId: String(item.orgId),
  role: item.role as Role,
  clientId: String(item.clientId ?? ''),
  status: item.status as EventJobStatus,
  total: Number(item.total),
  nextIndex: Number(item.nextIndex),
  summary: {
    recorded: Number(item.recordedCount ?? 0),
    duplicate: Number(item.duplicateCount ?? 0),
    rejected: Number(item.rejectedCount ?? 0),
  },
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
  ...(typeof item.completedAt === 'string' ? { completedAt: item.completedAt } : {}),
  ...(item.errorCode === undefined ? {} : { error: { code: String(item.errorCode), message: String(item.errorMessage ?? '') } }),
  failedAttempts: Number(item.failedAttempts ?? 0),
  runs: Number(item.runs ?? 0),
  ...(typeof item.leaseOwner === 'string' ? { leaseOwner: item.leaseOwner } : {}),
  ...(item.leaseUntil === undefined ? {} : { leaseUntil: Number(item.leaseUntil) }),
});

export interface NewEventJob {
  id: string;
  orgId: string;
  role: Role;
  clientId: string;
  /** Every event of the call; those before `nextIndex` are already done. */
  total: number;
  /** The events from `nextIndex` on, in order. */
  pending: readonly unknown[];
  /** The results of events [0, nextIndex), already answered to the caller. */
  results: readonly IndexedEntry[];
  summary: EventJobSummary;
  now: Date;
}

/**
 * Chunks first and the header last, with a condition: a job exists only once everything
 * it points at does, and an id is never reused.
 */
export const createEventJob = async (job: NewEventJob): Promise<void> => {
  const nowMs = job.now.getTime();
  const nextIndex = job.total - job.pending.length;
  if (job.results.length !== nextIndex) throw new Error('An event job needs a result for every event before its pending ones');
  await batchPutAll([
    ...chunkBySize(job.pending, nextIndex).map((chunk) => chunkItem(inputKey(job.id, chunk.last), chunk, nowMs)),
    ...chunkBySize(job.results, 0).map((chunk) => chunkItem(resultKey(job.id, chunk.last), chunk, nowMs)),
  ]);
  const timestamp = job.now.toISOString();
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: {
        ...headerKey(job.id),
        type: 'eventJob',
        id: job.id,
        orgId: job.orgId,
        role: job.role,
        clientId: job.clientId,
        status: 'running',
        total: job.total,
        nextIndex,
        recordedCount: job.summary.recorded,
        duplicateCount: job.summary.duplicate,
        rejectedCount: job.summary.rejected,
        createdAt: timestamp,
        updatedAt: timestamp,
        failedAttempts: 0,
        runs: 0,
        // A job no worker ever finishes still goes away, a day after a finished one would.
        expiresAt: epochSeconds(nowMs) + CHUNK_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

/** TTL deletion lags by up to two days; an expired job reads as gone. */
export const getEventJob = async (id: string, now = new Date()): Promise<EventJob | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: headerKey(id), ConsistentRead: true }),
  );
  if (Item === undefined || Number(Item.expiresAt) * 1000 < now.getTime()) return undefined;
  return toJob(Item);
};

/**
 * Takes the job for one worker run until `untilMs` (the run's own deadline): only a
 * running job whose lease is free or expired. Undefined when another worker holds it, or
 * the job is finished or unknown.
 */
export const acquireEventJobLease = async (
  id: string,
  owner: string,
  untilMs: number,
  now = new Date(),
): Promise<EventJob | undefined> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: headerKey(id),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, updatedAt = :now ADD runs :one',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': untilMs,
          ':now': now.toISOString(),
          ':nowMs': now.getTime(),
          ':running': 'running',
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes === undefined ? undefined : toJob(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** Hands the job back so the next run need not wait for the lease to expire. */
export const releaseEventJobLease = async (id: string, owner: string, now = new Date()): Promise<void> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: headerKey(id),
        UpdateExpression: 'SET updatedAt = :now REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner, ':now': now.toISOString() },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export interface ProgressCommit {
  id: string;
  owner: string;
  /** The job's nextIndex this run started the slice from. */
  expectedNext: number;
  /** The slice's results, their indexes expectedNext, expectedNext + 1, … */
  results: readonly IndexedEntry[];
  delta: EventJobSummary;
  /** The slice was the job's last: the job is done and the lease ends. */
  finished: boolean;
  now: Date;
}

/**
 * Stores a slice's results and moves the job on, atomically, only while this run holds
 * the lease and nobody moved the job since. False when that no longer holds: the run must
 * stop, and what it computed is dropped in favour of what is stored.
 */
export const commitEventJobProgress = async (commit: ProgressCommit): Promise<boolean> => {
  const TableName = mainTableName();
  const nowMs = commit.now.getTime();
  const next = commit.expectedNext + commit.results.length;
  const chunks = chunkBySize(commit.results, commit.expectedNext);
  const values: Record<string, unknown> = {
    ':owner': commit.owner,
    ':expected': commit.expectedNext,
    ':next': next,
    ':now': commit.now.toISOString(),
    ':recorded': commit.delta.recorded,
    ':duplicate': commit.delta.duplicate,
    ':rejected': commit.delta.rejected,
  };
  let update =
    'SET nextIndex = :next, updatedAt = :now ADD recordedCount :recorded, duplicateCount :duplicate, rejectedCount :rejected';
  if (commit.finished) {
    update =
      'SET nextIndex = :next, updatedAt = :now, completedAt = :now, #status = :done, expiresAt = :expires ' +
      'ADD recordedCount :recorded, duplicateCount :duplicate, rejectedCount :rejected REMOVE leaseOwner, leaseUntil';
    values[':done'] = 'done';
    values[':expires'] = epochSeconds(nowMs) + EVENT_JOB_RETENTION_SECONDS;
  }
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: headerKey(commit.id),
              UpdateExpression: update,
              ConditionExpression: 'leaseOwner = :owner AND nextIndex = :expected',
              ...(commit.finished ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
              ExpressionAttributeValues: values,
            },
          },
          ...chunks.map((chunk) => ({
            Put: {
              TableName,
              Item: chunkItem(resultKey(commit.id, chunk.last), chunk, nowMs),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * A run that failed unexpectedly: counts the attempt and frees the lease; with `final`
 * the job ends as failed with this (caller-safe) error. Without an owner (the job was
 * never handed to a worker) only a job nobody holds is touched.
 */
export const recordEventJobFailure = async (input: {
  id: string;
  owner?: string;
  error: { code: string; message: string };
  final: boolean;
  now: Date;
}): Promise<EventJob | undefined> => {
  const values: Record<string, unknown> = { ':now': input.now.toISOString(), ':one': 1, ':running': 'running' };
  let update = 'SET updatedAt = :now ADD failedAttempts :one REMOVE leaseOwner, leaseUntil';
  if (input.final) {
    update =
      'SET updatedAt = :now, completedAt = :now, #status = :failed, errorCode = :code, errorMessage = :message, expiresAt = :expires ' +
      'ADD failedAttempts :one REMOVE leaseOwner, leaseUntil';
    Object.assign(values, {
      ':failed': 'failed',
      ':code': input.error.code,
      ':message': input.error.message,
      ':expires': epochSeconds(input.now.getTime()) + EVENT_JOB_RETENTION_SECONDS,
    });
  }
  if (input.owner !== undefined) values[':owner'] = input.owner;
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: headerKey(input.id),
        UpdateExpression: update,
        ConditionExpression: `#status = :running AND ${input.owner === undefined ? 'attribute_not_exists(leaseOwner)' : 'leaseOwner = :owner'}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes === undefined ? undefined : toJob(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** The events a job still has to do, from `fromIndex` on, in order. */
export const loadEventJobInputs = async <T>(id: string, fromIndex: number): Promise<Chunk<T>> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': jobPk(id),
      ':from': inputKey(id, fromIndex).sk,
      ':to': `INPUT#${'9'.repeat(INDEX_WIDTH)}`,
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
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: mainTableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': jobPk(id),
          ':from': resultKey(id, fromIndex).sk,
          ':to': `RESULT#${'9'.repeat(INDEX_WIDTH)}`,
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
