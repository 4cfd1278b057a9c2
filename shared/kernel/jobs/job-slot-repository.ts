/**
 * Per-organization job slots: JOBSLOTS#{kind}#{orgId} / SLOTS holds `jobs`, the string set
 * of the organization's unfinished jobs of that kind. A job takes its slot in the very
 * transaction that creates it, conditioned on the set being below the limit, so two
 * concurrent requests can never both take the last slot; it gives the slot back in the
 * transaction that marks it done or failed. A set rather than a counter: taking and giving
 * back are idempotent (a completion written twice never frees two slots, a job created
 * before slots existed frees nothing), and the holders are known, so the slot of a job that
 * died without finishing can be found and reclaimed (see shared/kernel/jobs/job-slots.ts).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '../db/dynamodb-client';
import { type JobKind, jobSlotsKey } from '../db/item-keys';

/** The organization holds `limit` unfinished jobs of this kind already. */
export class JobSlotsFullError extends Error {
  public constructor(public readonly kind: JobKind) {
    super(`No free ${kind} job slot`);
    this.name = 'JobSlotsFullError';
  }
}

export interface SlotClaim {
  kind: JobKind;
  orgId: string;
  limit: number;
}

/** A job's item, written with the slot it takes in the transaction that creates its parent (a batch). */
export interface JobCreation {
  item: Record<string, unknown>;
  slot: SlotClaim;
}

/** The transaction item that takes a slot for `jobId` (already holding one is no second take). */
export const takeSlotItem = (claim: SlotClaim, jobId: string) => ({
  Update: {
    TableName: mainTableName(),
    Key: jobSlotsKey(claim.kind, claim.orgId),
    UpdateExpression: 'SET #type = :type ADD jobs :ids',
    ConditionExpression: 'attribute_not_exists(jobs) OR size(jobs) < :limit OR contains(jobs, :id)',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':type': 'jobSlots', ':ids': new Set([jobId]), ':limit': claim.limit, ':id': jobId },
  },
});

/** The transaction item that gives `jobId`'s slot back; harmless when it holds none. */
export const releaseSlotItem = (kind: JobKind, orgId: string, jobId: string) => ({
  Update: {
    TableName: mainTableName(),
    Key: jobSlotsKey(kind, orgId),
    UpdateExpression: 'DELETE jobs :ids',
    ExpressionAttributeValues: { ':ids': new Set([jobId]) },
  },
});

export const releaseSlot = async (kind: JobKind, orgId: string, jobId: string): Promise<void> => {
  await documentClient.send(new UpdateCommand(releaseSlotItem(kind, orgId, jobId).Update));
};

/** The ids of the organization's jobs of this kind that hold a slot. */
export const slotHolders = async (kind: JobKind, orgId: string): Promise<string[]> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: jobSlotsKey(kind, orgId), ConsistentRead: true }),
  );
  const jobs = Item?.jobs as Set<string> | undefined;
  return jobs === undefined ? [] : [...jobs].sort();
};
