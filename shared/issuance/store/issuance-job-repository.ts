/**
 * An issuance job: one item beside its batch's code chunks: its label options, progress, a
 * lease (a message delivered twice never has two runs sign one chunk), its label files, and
 * an issuance slot (job-slot-repository.ts) held from creation to done or failed. Progress
 * is written a few times a run, not per chunk. Over 300 lines: every conditional write on
 * the job item, kept together so they read as one.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancelledConditionIndexes, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { issuanceJobKey } from '#kernel/db/item-keys';
import { JobSlotsFullError, releaseSlot, releaseSlotItem, type SlotClaim, takeSlotItem } from '#kernel/jobs/job-slot-repository';

/**
 * `failed`: MAX_FAILED_RUNS runs in a row failed without storing anything. Nothing runs it
 * again until its factory sends the same request (same Idempotency-Key), which restarts it
 * where it stopped; stored chunks are kept and never signed twice.
 */
export type IssuanceState = 'signing' | 'writing-outputs' | 'done' | 'failed';

export interface StoredLabelOutput {
  format: string;
  file: string;
  bytes: number;
  sha256: string;
}

/** The label file being written and how many of its labels are written so far. */
export interface LabelFileProgress {
  format: string;
  labelsWritten: number;
}

export interface IssuanceJob<Options = unknown> {
  batchId: string;
  /** The factory whose slot the job holds; absent on jobs made before slots were kept. */
  orgId?: string;
  state: IssuanceState;
  chunkCount: number;
  chunksDone: number;
  options: Options;
  outputs: StoredLabelOutput[];
  writing?: LabelFileProgress;
  failedRuns: number;
}

/** The item createBatch writes in the batch's own transaction, so a batch never lacks its job. */
export const newIssuanceJobItem = <Options>(
  batchId: string,
  orgId: string,
  chunkCount: number,
  options: Options,
  now = Date.now(),
) => ({
  ...issuanceJobKey(batchId),
  type: 'issuanceJob',
  batchId,
  orgId,
  // Every run start and progress write moves it: how a dead job is told from a waiting one.
  touchedAt: now,
  state: 'signing' satisfies IssuanceState,
  chunkCount,
  chunksDone: 0,
  options,
  outputs: [],
  failedRuns: 0,
  leaseUntil: 0,
});

const toJob = <Options>(item: Record<string, unknown>): IssuanceJob<Options> => ({
  batchId: String(item.batchId),
  ...(typeof item.orgId === 'string' ? { orgId: item.orgId } : {}),
  state: item.state as IssuanceState,
  chunkCount: Number(item.chunkCount),
  chunksDone: Number(item.chunksDone),
  options: item.options as Options,
  outputs: (item.outputs as StoredLabelOutput[] | undefined) ?? [],
  ...(item.writing === undefined ? {} : { writing: item.writing as LabelFileProgress }),
  failedRuns: Number(item.failedRuns ?? 0),
});

export const getIssuanceJob = async <Options>(batchId: string): Promise<IssuanceJob<Options> | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: issuanceJobKey(batchId), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : toJob<Options>(Item);
};

/** Takes the job until `until` (epoch ms) unless another run holds it; undefined when busy or done. */
export const acquireIssuanceLease = async <Options>(
  batchId: string,
  owner: string,
  until: number,
  now = Date.now(),
): Promise<IssuanceJob<Options> | undefined> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: issuanceJobKey(batchId),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, touchedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND NOT #state IN (:done, :failed) AND (leaseUntil < :now OR leaseOwner = :owner)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now, ':done': 'done', ':failed': 'failed' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes === undefined ? undefined : toJob<Options>(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** Writes progress while this run still holds the lease; false when it lost it. */
export const updateIssuanceJob = async (
  batchId: string,
  owner: string,
  change: {
    chunksDone?: number;
    state?: IssuanceState;
    outputs?: StoredLabelOutput[];
    writing?: LabelFileProgress;
    releaseLease?: boolean;
  },
): Promise<boolean> => {
  const sets: string[] = [];
  const values: Record<string, unknown> = { ':owner': owner };
  const names: Record<string, string> = {};
  if (change.chunksDone !== undefined) {
    sets.push('chunksDone = :chunks');
    values[':chunks'] = change.chunksDone;
  }
  if (change.state !== undefined) {
    sets.push('#state = :state');
    names['#state'] = 'state';
    values[':state'] = change.state;
  }
  if (change.outputs !== undefined) {
    sets.push('outputs = :outputs');
    values[':outputs'] = change.outputs;
  }
  if (change.writing !== undefined) {
    sets.push('writing = :writing');
    values[':writing'] = change.writing;
  }
  if (change.releaseLease === true) {
    sets.push('leaseUntil = :zero');
    values[':zero'] = 0;
  }
  if (sets.length === 0) return true;
  sets.push('touchedAt = :touched');
  values[':touched'] = Date.now();
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: issuanceJobKey(batchId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'leaseOwner = :owner',
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Marks the job done and gives its slot back, while this run holds the lease; false when it lost it. */
export const finishIssuanceJob = async (job: Pick<IssuanceJob, 'batchId' | 'orgId'>, owner: string): Promise<boolean> => {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: mainTableName(),
              Key: issuanceJobKey(job.batchId),
              UpdateExpression: 'SET #state = :done, leaseUntil = :zero, touchedAt = :now',
              ConditionExpression: 'leaseOwner = :owner',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':done': 'done', ':zero': 0, ':now': Date.now(), ':owner': owner },
            },
          },
          ...(job.orgId === undefined ? [] : [releaseSlotItem('issuance', job.orgId, job.batchId)]),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditionIndexes(error).includes(0)) return false;
    throw error;
  }
};

/**
 * Counts a failed run and frees the job for the next delivery; answers the count of failed
 * runs in a row. A run that stored something (`progressed`) clears the count, so a long
 * job that is interrupted now and then never fails, and one that cannot move does. At `limit`
 * the job is `failed`.
 */
export const recordIssuanceFailure = async (
  job: Pick<IssuanceJob, 'batchId' | 'orgId'>,
  owner: string,
  progressed: boolean,
  limit: number,
): Promise<number> => {
  try {
    const { batchId } = job;
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: issuanceJobKey(batchId),
        UpdateExpression: progressed
          ? 'SET leaseUntil = :zero, failedRuns = :zero'
          : 'SET leaseUntil = :zero ADD failedRuns :one',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':zero': 0, ':owner': owner, ...(progressed ? {} : { ':one': 1 }) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const failedRuns = Number(Attributes?.failedRuns ?? 0);
    if (failedRuns >= limit) await failIssuanceJob(job, { resume: String(Attributes?.state) });
    return failedRuns;
  } catch (error) {
    if (isConditionFailure(error)) return 0;
    throw error;
  }
};

/**
 * A job to `failed` (resumable where it stopped) and its slot back, in one transaction;
 * `stalledBefore`: only when no lease is held and nothing touched it since (a dead job).
 */
const failIssuanceJob = async (
  job: Pick<IssuanceJob, 'batchId' | 'orgId'>,
  condition: { resume: string } | { stalledBefore: number; now: number },
): Promise<boolean> => {
  const stalled = 'stalledBefore' in condition;
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: mainTableName(),
              Key: issuanceJobKey(job.batchId),
              UpdateExpression: `SET #state = :failed, resumeState = ${stalled ? '#state' : ':resume'}`,
              ConditionExpression: stalled
                ? '#state IN (:signing, :writing) AND leaseUntil < :now AND (attribute_not_exists(touchedAt) OR touchedAt < :before)'
                : '#state IN (:signing, :writing)',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: {
                ':failed': 'failed',
                ':signing': 'signing',
                ':writing': 'writing-outputs',
                ...(stalled ? { ':now': condition.now, ':before': condition.stalledBefore } : { ':resume': condition.resume }),
              },
            },
          },
          ...(job.orgId === undefined ? [] : [releaseSlotItem('issuance', job.orgId, job.batchId)]),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditionIndexes(error).includes(0)) return false;
    throw error;
  }
};

/**
 * Whether `batchId` still needs the slot it holds: a finished or missing job gives it back,
 * a stalled one is failed (its factory resumes it by sending the request again) and gives
 * it back; true when the slot is free.
 */
export const settleIssuanceSlot = async (orgId: string, batchId: string, now: Date, stalledBefore: number): Promise<boolean> => {
  const job = await getIssuanceJob(batchId);
  if (job === undefined || job.state === 'done' || job.state === 'failed') {
    await releaseSlot('issuance', orgId, batchId);
    return true;
  }
  return failIssuanceJob({ batchId, orgId }, { stalledBefore, now: now.getTime() });
};

/**
 * A failed job back to where it stopped, its count of failures cleared, taking a slot
 * again in the same transaction (JobSlotsFullError when none is free); false when it was
 * not failed.
 */
export const restartFailedIssuance = async (batchId: string, claim: SlotClaim): Promise<boolean> => {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: mainTableName(),
              Key: issuanceJobKey(batchId),
              UpdateExpression:
                'SET #state = resumeState, failedRuns = :zero, leaseUntil = :zero, orgId = :org, touchedAt = :now REMOVE resumeState',
              ConditionExpression: '#state = :failed AND attribute_exists(resumeState)',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':failed': 'failed', ':zero': 0, ':org': claim.orgId, ':now': Date.now() },
            },
          },
          takeSlotItem(claim, batchId),
        ],
      }),
    );
    return true;
  } catch (error) {
    const failed = cancelledConditionIndexes(error);
    if (failed.includes(0)) return false;
    if (failed.includes(1)) throw new JobSlotsFullError(claim.kind);
    throw error;
  }
};
