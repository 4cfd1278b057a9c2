/**
 * An event job's worker runs: the lease one run holds, the progress it commits, and the
 * failures it records, all on the job's header item.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { eventJobHeaderKey, eventJobResultKey } from '#kernel/db/item-keys';
import { chunkBySize, chunkItem, EVENT_JOB_RETENTION_SECONDS, epochSeconds, type IndexedEntry } from './event-job-chunks';
import { type EventJob, type EventJobSummary, toJob } from './event-job-repository';

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
        Key: eventJobHeaderKey(id),
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
        Key: eventJobHeaderKey(id),
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
              Key: eventJobHeaderKey(commit.id),
              UpdateExpression: update,
              ConditionExpression: 'leaseOwner = :owner AND nextIndex = :expected',
              ...(commit.finished ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
              ExpressionAttributeValues: values,
            },
          },
          ...chunks.map((chunk) => ({
            Put: {
              TableName,
              Item: chunkItem(eventJobResultKey(commit.id, chunk.last), chunk, nowMs),
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
        Key: eventJobHeaderKey(input.id),
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
