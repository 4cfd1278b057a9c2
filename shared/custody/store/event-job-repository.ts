/**
 * Event jobs: the part of a `POST /v1/events` call that did not fit in the request's time,
 * finished by a worker. One partition per job: a header item (who, where it stands, the
 * worker's lease: this file, and its runs in event-job-runs.ts), the events still to do in
 * input chunks and the results in result chunks (event-job-chunks.ts).
 *
 * Progress and results are written in one transaction conditioned on the lease and the
 * expected next index, so a result, once stored, is never replaced by a later replay.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll, documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { eventJobHeaderKey, eventJobInputKey, eventJobResultKey } from '#kernel/db/item-keys';
import type { Role } from '#kernel/roles';
import { CHUNK_RETENTION_SECONDS, chunkBySize, chunkItem, epochSeconds, type IndexedEntry } from './event-job-chunks';

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

export const toJob = (item: Record<string, unknown>): EventJob => ({
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
    ...chunkBySize(job.pending, nextIndex).map((chunk) => chunkItem(eventJobInputKey(job.id, chunk.last), chunk, nowMs)),
    ...chunkBySize(job.results, 0).map((chunk) => chunkItem(eventJobResultKey(job.id, chunk.last), chunk, nowMs)),
  ]);
  const timestamp = job.now.toISOString();
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: {
        ...eventJobHeaderKey(job.id),
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
    new GetCommand({ TableName: mainTableName(), Key: eventJobHeaderKey(id), ConsistentRead: true }),
  );
  if (Item === undefined || Number(Item.expiresAt) * 1000 < now.getTime()) return undefined;
  return toJob(Item);
};
