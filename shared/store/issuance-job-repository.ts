/**
 * An issuance job: one item beside its batch's code chunks, holding what the job was asked
 * for (label options), how far it is, who runs it (a lease, so a queue delivering a message
 * twice cannot have two runs signing the same chunk) and the label files written so far.
 * Progress is written a few times a run, not per chunk, so the writes of a batch grow only
 * with its code chunks.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName } from './dynamodb-client';
import { issuanceJobKey } from './keys';

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

export interface IssuanceJob<Options = unknown> {
  batchId: string;
  state: IssuanceState;
  chunkCount: number;
  chunksDone: number;
  options: Options;
  outputs: StoredLabelOutput[];
  failedRuns: number;
}

/** The item createBatch writes in the batch's own transaction, so a batch never lacks its job. */
export const newIssuanceJobItem = <Options>(batchId: string, chunkCount: number, options: Options) => ({
  ...issuanceJobKey(batchId),
  type: 'issuanceJob',
  batchId,
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
  state: item.state as IssuanceState,
  chunkCount: Number(item.chunkCount),
  chunksDone: Number(item.chunksDone),
  options: item.options as Options,
  outputs: (item.outputs as StoredLabelOutput[] | undefined) ?? [],
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
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
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
  change: { chunksDone?: number; state?: IssuanceState; outputs?: StoredLabelOutput[]; releaseLease?: boolean },
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
  if (change.releaseLease === true) {
    sets.push('leaseUntil = :zero');
    values[':zero'] = 0;
  }
  if (sets.length === 0) return true;
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

/**
 * Counts a failed run and frees the job for the next delivery; answers the count of failed
 * runs in a row. A run that stored something (`progressed`) clears the count, so a long
 * job that is interrupted now and then never fails, and one that cannot move does. At `limit`
 * the job is `failed`.
 */
export const recordIssuanceFailure = async (
  batchId: string,
  owner: string,
  progressed: boolean,
  limit: number,
): Promise<number> => {
  try {
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
    if (failedRuns >= limit) {
      await documentClient.send(
        new UpdateCommand({
          TableName: mainTableName(),
          Key: issuanceJobKey(batchId),
          UpdateExpression: 'SET #state = :failed, resumeState = :resume',
          ConditionExpression: '#state IN (:signing, :writing)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':resume': Attributes?.state,
            ':signing': 'signing',
            ':writing': 'writing-outputs',
          },
        }),
      );
    }
    return failedRuns;
  } catch (error) {
    if (isConditionFailure(error)) return 0;
    throw error;
  }
};

/** A failed job back to where it stopped, its count of failures cleared; false when it was not failed. */
export const restartFailedIssuance = async (batchId: string): Promise<boolean> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: issuanceJobKey(batchId),
        UpdateExpression: 'SET #state = resumeState, failedRuns = :zero, leaseUntil = :zero REMOVE resumeState',
        ConditionExpression: '#state = :failed AND attribute_exists(resumeState)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':failed': 'failed', ':zero': 0 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
