/**
 * Audit export jobs: EXPORTJOB#{id} / JOB, one item per job, kept (no TTL) as the record of
 * who exported what. A run holds a lease on the job; every progress write is conditioned on
 * the lease owner and on the checkpoint it moves from, so two deliveries of the same queue
 * message never both write, and a run whose lease lapsed cannot write over its successor.
 * A job holds an export slot (job-slot-repository.ts) from creation to done or failed. Over
 * 300 lines: every conditional write on the job item, kept together so they read as one.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PartyUris } from '#custody/contract';
import { cancelledConditionIndexes, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { exportJobKey } from '#kernel/db/item-keys';
import { JobSlotsFullError, releaseSlot, releaseSlotItem, type SlotClaim, takeSlotItem } from '#kernel/jobs/job-slot-repository';
import type { ExportFormat } from '../domain/export-formats';

export type ExportJobState = 'queued' | 'running' | 'done' | 'failed';

export interface ExportHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  previousTreeSize: number;
  signedHead: string;
}

/** How far one of the two files (the export, its proofs sidecar) is durably written. */
export interface ExportStreamState {
  /** Records whose text is in the file. */
  records: number;
  /** Order key of the last of them; absent before the first. */
  position?: string;
  bytes: number;
  /** Parts written (S3 multipart part numbers 1..parts; locally appends). */
  parts: number;
  /** S3 only: the multipart upload and its parts' ETags so far. */
  upload?: { id: string; etags: string[] };
  /** Proofs only: the first and last leaf index of the records written with a proof. */
  leaves?: { first: number; last: number };
  /**
   * File only, EPCIS and NDJSON: the organizations its records named so far, in the order
   * met (at most the worker's bound), so a resumed run names each once and the EPCIS
   * document's master data holds those of every part.
   */
  parties?: PartyUris;
}

/**
 * Where a run resumes. Each file takes a part when its own buffer is full, so the two
 * may be durable up to different records: a resumed run reads on after the one behind
 * and writes each record only to the file that lacks it.
 */
export interface ExportCheckpoint {
  file: ExportStreamState;
  proofs: ExportStreamState;
  /** The last parts (with the closing text) are written: only finishing is left. */
  sealed?: boolean;
  /** Bumped on every save; the next save is conditioned on it. */
  revision: number;
}

export interface ExportResult {
  sha256: string;
  proofsSha256: string;
  manifest: string;
  completedAt: string;
}

export interface ExportJob {
  id: string;
  orgId: string;
  subject: string;
  role: string;
  format: ExportFormat;
  query: Record<string, string>;
  createdAt: string;
  /** The export's upper time bound, fixed at creation. */
  until: string;
  range: { from: string; to: string };
  complete: boolean;
  head: ExportHead;
  state: ExportJobState;
  checkpoint: ExportCheckpoint;
  attempts: number;
  result?: ExportResult;
  error?: { code: string; message: string };
  updatedAt: string;
}

export class ExportJobBusyError extends Error {
  public constructor() {
    super('Another run holds the export job');
    this.name = 'ExportJobBusyError';
  }
}

const jobOf = (item: Record<string, unknown>): ExportJob => {
  const { pk: _pk, sk: _sk, type: _type, leaseOwner: _owner, leaseUntil: _until, ...job } = item;
  return job as unknown as ExportJob;
};

/** Stores a new job with the slot it takes; JobSlotsFullError when its organization has none free. */
export const putExportJob = async (job: ExportJob, slot: SlotClaim): Promise<void> => {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: mainTableName(),
              Item: { ...exportJobKey(job.id), type: 'exportJob', ...job },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          takeSlotItem(slot, job.id),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditionIndexes(error).includes(1)) throw new JobSlotsFullError(slot.kind);
    throw error;
  }
};

export const getExportJob = async (jobId: string): Promise<ExportJob | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: exportJobKey(jobId), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : jobOf(Item);
};

/** Takes the job for `ms` unless another run holds an unexpired lease; counts the attempt. */
export const claimExportJob = async (jobId: string, owner: string, now: Date, ms: number): Promise<ExportJob> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: exportJobKey(jobId),
        UpdateExpression:
          'SET leaseOwner = :owner, leaseUntil = :until, #state = :running, attempts = attempts + :one, updatedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND #state IN (:queued, :running) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :epoch)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': now.getTime() + ms,
          ':epoch': now.getTime(),
          ':running': 'running',
          ':queued': 'queued',
          ':one': 1,
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return jobOf(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw new ExportJobBusyError();
    throw error;
  }
};

const ownedUpdate = async (
  jobId: string,
  owner: string,
  expectedRevision: number,
  set: string,
  values: Record<string, unknown>,
  names: Record<string, string> = {},
): Promise<void> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: exportJobKey(jobId),
        UpdateExpression: set,
        ConditionExpression: 'leaseOwner = :owner AND checkpoint.revision = :revision',
        ExpressionAttributeNames: Object.keys(names).length === 0 ? undefined : names,
        ExpressionAttributeValues: { ...values, ':owner': owner, ':revision': expectedRevision },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new ExportJobBusyError();
    throw error;
  }
};

/** A job's last write (done or failed) and its slot given back, in one transaction; false when its condition failed. */
const finalWrite = async (
  job: Pick<ExportJob, 'id' | 'orgId'>,
  update: { set: string; condition: string; values: Record<string, unknown>; names: Record<string, string> },
): Promise<boolean> => {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: mainTableName(),
              Key: exportJobKey(job.id),
              UpdateExpression: update.set,
              ConditionExpression: update.condition,
              ExpressionAttributeNames: update.names,
              ExpressionAttributeValues: update.values,
            },
          },
          releaseSlotItem('export', job.orgId, job.id),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditionIndexes(error).includes(0)) return false;
    throw error;
  }
};

/** Records durable progress and extends the lease. */
export const saveExportCheckpoint = (
  jobId: string,
  owner: string,
  checkpoint: ExportCheckpoint,
  leaseUntil: number,
): Promise<void> =>
  ownedUpdate(
    jobId,
    owner,
    checkpoint.revision - 1,
    // Progress resets the count of failed attempts: only runs that fail without progress add up.
    'SET checkpoint = :checkpoint, leaseUntil = :until, attempts = :zero, updatedAt = :now',
    { ':checkpoint': checkpoint, ':until': leaseUntil, ':zero': 0, ':now': new Date().toISOString() },
  );

export const completeExportJob = async (
  job: Pick<ExportJob, 'id' | 'orgId'>,
  owner: string,
  revision: number,
  result: ExportResult,
): Promise<void> => {
  const written = await finalWrite(job, {
    set: 'SET #state = :done, #result = :result, updatedAt = :now REMOVE leaseOwner, leaseUntil',
    condition: 'leaseOwner = :owner AND checkpoint.revision = :revision',
    values: { ':done': 'done', ':result': result, ':now': result.completedAt, ':owner': owner, ':revision': revision },
    names: { '#state': 'state', '#result': 'result' },
  });
  if (!written) throw new ExportJobBusyError();
};

/** Gives the job back for the next run (same checkpoint), or fails it for good (and its slot back). */
export const releaseExportJob = async (
  job: Pick<ExportJob, 'id' | 'orgId'>,
  owner: string,
  outcome: { failed?: { code: string; message: string } },
): Promise<void> => {
  const jobId = job.id;
  if (outcome.failed !== undefined) {
    await finalWrite(job, {
      set: 'SET #state = :failed, #error = :error, updatedAt = :now REMOVE leaseOwner, leaseUntil',
      condition: 'leaseOwner = :owner',
      values: { ':owner': owner, ':now': new Date().toISOString(), ':failed': 'failed', ':error': outcome.failed },
      names: { '#state': 'state', '#error': 'error' },
    });
    return;
  }
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: exportJobKey(jobId),
        UpdateExpression: 'SET updatedAt = :now REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner, ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/**
 * Fails a job no run holds and nothing moved since `stalledBefore` (its message was never
 * sent or ended in the dead-letter queue), giving its slot back; false when it moved.
 */
export const failStalledExportJob = async (
  job: Pick<ExportJob, 'id' | 'orgId'>,
  now: Date,
  stalledBefore: Date,
  error: { code: string; message: string },
): Promise<boolean> =>
  finalWrite(job, {
    set: 'SET #state = :failed, #error = :error, updatedAt = :now',
    condition:
      '#state IN (:queued, :running) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :epoch) AND updatedAt < :before',
    values: {
      ':failed': 'failed',
      ':error': error,
      ':now': now.toISOString(),
      ':queued': 'queued',
      ':running': 'running',
      ':epoch': now.getTime(),
      ':before': stalledBefore.toISOString(),
    },
    names: { '#state': 'state', '#error': 'error' },
  });

/** Whether `jobId`'s slot is free: a finished or missing job gives it back, a stalled one is failed first. */
export const settleExportSlot = async (orgId: string, jobId: string, now: Date, stalledBefore: Date): Promise<boolean> => {
  const job = await getExportJob(jobId);
  if (job === undefined || job.state === 'done' || job.state === 'failed') {
    await releaseSlot('export', orgId, jobId);
    return true;
  }
  return failStalledExportJob(job, now, stalledBefore, {
    code: 'EXPORT_STALLED',
    message: 'The export stopped moving; start it again',
  });
};
