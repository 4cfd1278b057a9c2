import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { Batch } from '#shared/issuance/domain/issuance';
import { MAX_FAILED_RUNS, processIssuanceJob } from '#shared/issuance/services/issuance-job-worker';
import { createBatch, listWrittenChunkIndexes } from '#shared/issuance/store/batch-repository';
import { acquireIssuanceLease, getIssuanceJob, newIssuanceJobItem } from '#shared/issuance/store/issuance-job-repository';
import { ensureTable } from '../../scripts/local/tables';
import { freshGtin } from '../support/fixtures';

/**
 * What a worker run answers when the job is not there to run: no job, a job whose batch
 * is gone, a job another run holds, and a job whose product record is missing (a retry
 * that signs nothing, failing the job after MAX_FAILED_RUNS). Runs that do the work are in
 * issuance-resume.test.ts.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

const run = (batchId: string) => processIssuanceJob(batchId, { remainingMs: () => 600_000 });

const jobWithBatch = async (): Promise<Batch> => {
  const batch: Batch = {
    id: randomUUID(),
    gtin: freshGtin(),
    lot: 'JOB-1',
    ownerOrgId: `org-${randomUUID()}`,
    productionDate: '2026-10-01',
    count: 10,
    firstSequence: 1,
    status: 'issuing',
    createdAt: '2026-10-01T00:00:00.000Z',
  };
  await createBatch(batch, undefined, {
    item: newIssuanceJobItem(batch.id, batch.ownerOrgId, 1, { formats: ['csv'], ecc: 'M' }),
    slot: { kind: 'issuance', orgId: batch.ownerOrgId, limit: 4 },
  });
  return batch;
};

describe('a worker run with nothing it may run', () => {
  it('is gone for a job never created', async () => {
    expect(await run(randomUUID())).toEqual({ kind: 'gone' });
  });

  it('is gone for a job whose batch does not exist', async () => {
    const batchId = randomUUID();
    await documentClient.send(
      new PutCommand({ TableName: mainTableName(), Item: newIssuanceJobItem(batchId, 'org-1', 1, { formats: ['csv'] }) }),
    );
    expect(await run(batchId)).toEqual({ kind: 'gone' });
  });

  it('is busy while another run holds the lease', async () => {
    const batch = await jobWithBatch();
    await acquireIssuanceLease(batch.id, 'other-run', Date.now() + 600_000);
    expect(await run(batch.id)).toEqual({ kind: 'busy' });
  });
});

describe('a job whose product record is missing', () => {
  it('retries without signing anything, longer each time, then fails', async () => {
    const batch = await jobWithBatch();
    const outcomes = [];
    for (let attempt = 0; attempt < MAX_FAILED_RUNS; attempt++) outcomes.push(await run(batch.id));
    expect(outcomes).toEqual([
      ...Array.from({ length: MAX_FAILED_RUNS - 1 }, (_, i) => ({ kind: 'retry', delaySeconds: 5 * (i + 1) })),
      { kind: 'failed' },
    ]);
    expect([...(await listWrittenChunkIndexes(batch.id))]).toEqual([]);
    expect((await getIssuanceJob(batch.id))?.state).toBe('failed');
    expect(await run(batch.id)).toEqual({ kind: 'failed' });
  });
});
