import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { JobSlotsFullError, type SlotClaim, slotHolders, takeSlotItem } from '#kernel/jobs/job-slot-repository';
import {
  acquireIssuanceLease,
  finishIssuanceJob,
  getIssuanceJob,
  newIssuanceJobItem,
  recordIssuanceFailure,
  restartFailedIssuance,
  settleIssuanceSlot,
  updateIssuanceJob,
} from '#shared/issuance/store/issuance-job-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The issuance job's conditional writes against DynamoDB Local, one run against another:
 * a lease another run holds, progress from a run that lost its lease, failures counted to
 * the limit, stalled jobs failed and their slots given back, and a restart that finds no
 * free slot. The whole job through the gateway is in issuance-jobs.test.ts.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

const LIMIT = 2;
const claimFor = (orgId: string, limit = LIMIT): SlotClaim => ({ kind: 'issuance', orgId, limit });

/** A job as createBatch writes it, holding a slot of its organization; a legacy job (no org) holds none. */
const createJob = async (options: { orgId?: string; now?: number; withSlot?: boolean } = {}) => {
  const batchId = `batch-${randomUUID()}`;
  const orgId = options.orgId ?? `org-${randomUUID()}`;
  const item: Record<string, unknown> = newIssuanceJobItem(batchId, orgId, 3, { formats: ['csv'] }, options.now);
  if (options.withSlot === false) delete item.orgId;
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: mainTableName(), Item: item } },
        ...(options.withSlot === false ? [] : [takeSlotItem(claimFor(orgId), batchId)]),
      ],
    }),
  );
  return { batchId, orgId };
};

describe('the lease on a job', () => {
  it('is taken by one run at a time, renewed by its holder, and free again once it expires', async () => {
    const { batchId } = await createJob();
    const now = Date.now();
    expect(await acquireIssuanceLease(batchId, 'run-a', now + 60_000, now)).toMatchObject({
      batchId,
      state: 'signing',
      chunkCount: 3,
      chunksDone: 0,
      outputs: [],
      failedRuns: 0,
    });
    expect(await acquireIssuanceLease(batchId, 'run-b', now + 60_000, now)).toBeUndefined();
    expect(await acquireIssuanceLease(batchId, 'run-a', now + 120_000, now)).toBeDefined();
    expect(await acquireIssuanceLease(batchId, 'run-b', now + 300_000, now + 200_000)).toBeDefined();
  });

  it('is never taken on a job that does not exist or is done', async () => {
    expect(await acquireIssuanceLease(`batch-${randomUUID()}`, 'run-a', Date.now() + 60_000)).toBeUndefined();
    const { batchId, orgId } = await createJob();
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000);
    expect(await finishIssuanceJob({ batchId, orgId }, 'run-a')).toBe(true);
    expect(await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000)).toBeUndefined();
    expect(await getIssuanceJob(batchId)).toMatchObject({ state: 'done', orgId });
    expect(await slotHolders('issuance', orgId)).toEqual([]);
  });
});

describe('progress', () => {
  it('is written only by the run holding the lease, each field as given', async () => {
    const { batchId } = await createJob();
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000);
    const outputs = [{ format: 'csv', file: 'f.csv', bytes: 10, sha256: 'a'.repeat(64) }];
    expect(
      await updateIssuanceJob(batchId, 'run-a', {
        chunksDone: 3,
        state: 'writing-outputs',
        outputs,
        writing: { format: 'pdf', labelsWritten: 7 },
      }),
    ).toBe(true);
    expect(await getIssuanceJob(batchId)).toMatchObject({
      chunksDone: 3,
      state: 'writing-outputs',
      outputs,
      writing: { format: 'pdf', labelsWritten: 7 },
    });
    expect(await updateIssuanceJob(batchId, 'run-b', { chunksDone: 1 })).toBe(false);
    expect((await getIssuanceJob(batchId))?.chunksDone).toBe(3);
  });

  it('writes nothing for an empty change, even from a run without the lease', async () => {
    const { batchId } = await createJob();
    expect(await updateIssuanceJob(batchId, 'nobody', {})).toBe(true);
    expect(await getIssuanceJob(batchId)).toMatchObject({ chunksDone: 0, state: 'signing' });
  });

  it('releasing the lease lets another run take the job at once', async () => {
    const { batchId } = await createJob();
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 600_000);
    expect(await updateIssuanceJob(batchId, 'run-a', { releaseLease: true })).toBe(true);
    expect(await acquireIssuanceLease(batchId, 'run-b', Date.now() + 60_000)).toBeDefined();
  });
});

describe('finishing', () => {
  it('is refused to a run that lost the lease, and the job keeps its slot', async () => {
    const { batchId, orgId } = await createJob();
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000);
    expect(await finishIssuanceJob({ batchId, orgId }, 'run-b')).toBe(false);
    expect((await getIssuanceJob(batchId))?.state).toBe('signing');
    expect(await slotHolders('issuance', orgId)).toEqual([batchId]);
  });

  it('finishes a job made before slots were kept, touching no slot', async () => {
    const { batchId } = await createJob({ withSlot: false });
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000);
    const job = await getIssuanceJob(batchId);
    expect(job?.orgId).toBeUndefined();
    expect(await finishIssuanceJob({ batchId }, 'run-a')).toBe(true);
    expect((await getIssuanceJob(batchId))?.state).toBe('done');
  });
});

describe('failed runs', () => {
  it('are counted in a row, cleared by a run that stored something, and fail the job at the limit', async () => {
    const { batchId, orgId } = await createJob();
    const job = { batchId, orgId };
    const run = async (owner: string, progressed: boolean) => {
      await acquireIssuanceLease(batchId, owner, Date.now() + 60_000);
      return recordIssuanceFailure(job, owner, progressed, 3);
    };
    expect(await run('run-1', false)).toBe(1);
    expect(await run('run-2', false)).toBe(2);
    expect(await run('run-3', true)).toBe(0);
    expect(await run('run-4', false)).toBe(1);
    expect(await run('run-5', false)).toBe(2);
    expect((await getIssuanceJob(batchId))?.state).toBe('signing');
    expect(await run('run-6', false)).toBe(3);
    expect(await getIssuanceJob(batchId)).toMatchObject({ state: 'failed', failedRuns: 3 });
    expect(await slotHolders('issuance', orgId)).toEqual([]);
    // A failed job is taken by no run until its factory restarts it.
    expect(await acquireIssuanceLease(batchId, 'run-7', Date.now() + 60_000)).toBeUndefined();
  });

  it('are not counted from a run that no longer holds the lease', async () => {
    const { batchId, orgId } = await createJob();
    await acquireIssuanceLease(batchId, 'run-a', Date.now() + 60_000);
    expect(await recordIssuanceFailure({ batchId, orgId }, 'run-b', false, 1)).toBe(0);
    expect(await getIssuanceJob(batchId)).toMatchObject({ state: 'signing', failedRuns: 0 });
  });
});

describe('settling a slot', () => {
  it('gives back the slot of a job that is missing or done', async () => {
    const orgId = `org-${randomUUID()}`;
    const ghost = `batch-${randomUUID()}`;
    await documentClient.send(new TransactWriteCommand({ TransactItems: [takeSlotItem(claimFor(orgId), ghost)] }));
    expect(await settleIssuanceSlot(orgId, ghost, new Date(), Date.now())).toBe(true);
    expect(await slotHolders('issuance', orgId)).toEqual([]);
  });

  it('fails a stalled job so its factory can resume it, and leaves a live one alone', async () => {
    const touched = Date.now() - 3_600_000;
    const { batchId: stalled, orgId } = await createJob({ now: touched });
    const { batchId: live } = await createJob({ orgId, now: Date.now() });
    const now = new Date();
    const before = now.getTime() - 600_000;
    expect(await settleIssuanceSlot(orgId, live, now, before)).toBe(false);
    expect(await settleIssuanceSlot(orgId, stalled, now, before)).toBe(true);
    expect((await getIssuanceJob(stalled))?.state).toBe('failed');
    expect((await getIssuanceJob(live))?.state).toBe('signing');
    expect(await slotHolders('issuance', orgId)).toEqual([live]);
  });

  it('leaves a job whose lease is still held, however long ago it was touched', async () => {
    const { batchId, orgId } = await createJob({ now: Date.now() - 3_600_000 });
    const now = Date.now();
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: mainTableName(),
              Item: {
                ...newIssuanceJobItem(batchId, orgId, 3, {}, now - 3_600_000),
                leaseOwner: 'run-a',
                leaseUntil: now + 600_000,
              },
            },
          },
        ],
      }),
    );
    expect(await settleIssuanceSlot(orgId, batchId, new Date(now), now - 600_000)).toBe(false);
    expect(await slotHolders('issuance', orgId)).toEqual([batchId]);
  });
});

describe('restarting a failed job', () => {
  const failedJob = async (orgId?: string) => {
    const job = await createJob(orgId === undefined ? {} : { orgId });
    await acquireIssuanceLease(job.batchId, 'run-a', Date.now() + 60_000);
    await updateIssuanceJob(job.batchId, 'run-a', { state: 'writing-outputs' });
    await recordIssuanceFailure(job, 'run-a', false, 1);
    return job;
  };

  it('resumes where it stopped with its failures cleared and a slot taken again', async () => {
    const { batchId, orgId } = await failedJob();
    expect(await restartFailedIssuance(batchId, claimFor(orgId))).toBe(true);
    expect(await getIssuanceJob(batchId)).toMatchObject({ state: 'writing-outputs', failedRuns: 0, orgId });
    expect(await slotHolders('issuance', orgId)).toEqual([batchId]);
    expect(await acquireIssuanceLease(batchId, 'run-b', Date.now() + 60_000)).toBeDefined();
  });

  it('does nothing to a job that is not failed', async () => {
    const { batchId, orgId } = await createJob();
    expect(await restartFailedIssuance(batchId, claimFor(orgId))).toBe(false);
    expect((await getIssuanceJob(batchId))?.state).toBe('signing');
  });

  it('is refused when the factory has no free slot, leaving the job failed', async () => {
    const { batchId, orgId } = await failedJob();
    await createJob({ orgId });
    await createJob({ orgId });
    await expect(restartFailedIssuance(batchId, claimFor(orgId))).rejects.toBeInstanceOf(JobSlotsFullError);
    expect((await getIssuanceJob(batchId))?.state).toBe('failed');
  });
});
