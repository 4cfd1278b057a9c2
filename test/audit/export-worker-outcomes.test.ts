import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { slotHolders } from '#kernel/jobs/job-slot-repository';
import {
  EXPORT_RETRY_DELAY_SECONDS,
  exportJobWorker,
  MAX_FAILED_ATTEMPTS,
  runExportJob,
} from '#shared/audit/services/export-worker';
import { claimExportJob, type ExportJob, getExportJob, putExportJob } from '#shared/audit/store/export-job-repository';
import { createOrganization } from '#shared/registry/store/org-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * What one run of an export job answers when it cannot write: another run holds the job, the
 * exporter may no longer read the events, or the run fails (retried with a delay until
 * MAX_FAILED_ATTEMPTS runs in a row made no progress, then failed for good, its slot back).
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const T0 = '2026-03-01T00:00:00.000Z';
const regulator = async () => {
  const id = `org-${randomUUID()}`;
  await createOrganization({
    id,
    name: 'National regulator',
    role: 'regulator',
    region: 'CN',
    licenseNumber: id.slice(-18),
    createdAt: new Date().toISOString(),
  });
  return id;
};
const newJob = async (orgId: string, role = 'regulator'): Promise<ExportJob> => {
  const job: ExportJob = {
    id: randomUUID(),
    orgId,
    subject: 'user-1',
    role,
    format: 'ndjson',
    query: {},
    createdAt: T0,
    until: T0,
    range: { from: '2026-02-01T00:00:00.000Z', to: T0 },
    complete: true,
    head: { treeSize: 0, rootHash: '', timestamp: T0, previousTreeSize: 0, signedHead: '' },
    state: 'queued',
    checkpoint: { file: { records: 0, bytes: 0, parts: 0 }, proofs: { records: 0, bytes: 0, parts: 0 }, revision: 0 },
    attempts: 0,
    updatedAt: T0,
  };
  await putExportJob(job, { kind: 'export', orgId, limit: 5 });
  return job;
};

describe('an export run that cannot write', () => {
  it('fails the job of an exporter that is gone, or no longer has the role it exported as', async () => {
    for (const job of [await newJob(`org-${randomUUID()}`), await newJob(await regulator(), 'factory')]) {
      expect(await runExportJob(job.id)).toBe('failed');
      expect(await getExportJob(job.id)).toMatchObject({ state: 'failed', error: { code: 'EXPORTER_GONE' } });
      expect(await slotHolders('export', job.orgId)).toEqual([]);
    }
  });

  it('leaves a job another run holds alone, and passes on a failure to claim it', async () => {
    const job = await newJob(await regulator());
    await claimExportJob(job.id, 'other-run', new Date(), 60_000);
    expect(await runExportJob(job.id)).toBe('busy');
    expect(await exportJobWorker.run({ jobId: job.id }, () => 600_000)).toEqual({ kind: 'busy' });
    vi.spyOn(documentClient, 'send').mockRejectedValueOnce(
      Object.assign(new Error('unavailable'), { name: 'InternalServerError' }),
    );
    await expect(runExportJob(job.id)).rejects.toThrow('unavailable');
  });

  it('asks for a retry after a failed run, and fails the job for good once runs in a row make no progress', async () => {
    // Nowhere to write the file: every run fails before its first part.
    vi.stubEnv('EXPORT_BUCKET', undefined);
    vi.stubEnv('EXPORT_DIR', undefined);
    const job = await newJob(await regulator());
    expect(await exportJobWorker.run({ jobId: job.id }, () => 600_000)).toEqual({
      kind: 'retry',
      delaySeconds: EXPORT_RETRY_DELAY_SECONDS,
    });
    const outcomes: string[] = [];
    for (let run = 1; run < MAX_FAILED_ATTEMPTS; run++) outcomes.push(await runExportJob(job.id));
    expect(outcomes).toEqual([...Array.from({ length: MAX_FAILED_ATTEMPTS - 2 }, () => 'retry'), 'failed']);
    expect(await getExportJob(job.id)).toMatchObject({
      state: 'failed',
      error: { code: 'EXPORT_FAILED' },
      attempts: MAX_FAILED_ATTEMPTS,
    });
    expect(await slotHolders('export', job.orgId)).toEqual([]);
    expect(await runExportJob(job.id)).toBe('busy');
  });
});
