import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { JobSlotsFullError, slotHolders } from '#kernel/jobs/job-slot-repository';
import {
  claimExportJob,
  completeExportJob,
  type ExportJob,
  ExportJobBusyError,
  failStalledExportJob,
  getExportJob,
  putExportJob,
  releaseExportJob,
  saveExportCheckpoint,
  settleExportSlot,
} from '#shared/audit/store/export-job-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * Every conditional write on an export job, against DynamoDB Local: only the run holding an
 * unexpired lease, moving from the checkpoint it read, writes; a lapsed or second run is told
 * so; a slot is taken with the job and given back exactly when it ends.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

const T0 = new Date('2026-03-01T00:00:00.000Z');
const MINUTE = 60_000;
const result = { sha256: 'a'.repeat(64), proofsSha256: 'b'.repeat(64), manifest: 'jws', completedAt: T0.toISOString() };

const newJob = (orgId: string): ExportJob => ({
  id: randomUUID(),
  orgId,
  subject: 'user-1',
  role: 'auditor',
  format: 'ndjson',
  query: {},
  createdAt: T0.toISOString(),
  until: T0.toISOString(),
  range: { from: '2026-01-01T00:00:00.000Z', to: T0.toISOString() },
  complete: true,
  head: { treeSize: 0, rootHash: '', timestamp: T0.toISOString(), previousTreeSize: 0, signedHead: '' },
  state: 'queued',
  checkpoint: { file: { records: 0, bytes: 0, parts: 0 }, proofs: { records: 0, bytes: 0, parts: 0 }, revision: 0 },
  attempts: 0,
  updatedAt: T0.toISOString(),
});

const created = async (limit = 5) => {
  const orgId = `org-${randomUUID()}`;
  const job = newJob(orgId);
  await putExportJob(job, { kind: 'export', orgId, limit });
  return job;
};

describe('creating an export job', () => {
  it('takes a slot with it, refuses one past the limit, and never writes a job id twice', async () => {
    const job = await created(1);
    expect(await slotHolders('export', job.orgId)).toEqual([job.id]);
    await expect(putExportJob(newJob(job.orgId), { kind: 'export', orgId: job.orgId, limit: 1 })).rejects.toThrow(
      JobSlotsFullError,
    );
    // The same id again is no full slot (it holds its own): an error of its own, and nothing changes.
    const again = putExportJob({ ...job, subject: 'someone-else' }, { kind: 'export', orgId: job.orgId, limit: 1 });
    await expect(again).rejects.not.toThrow(JobSlotsFullError);
    await expect(again).rejects.toThrow();
    expect((await getExportJob(job.id))?.subject).toBe('user-1');
  });
});

describe('the lease on an export job', () => {
  it('is taken by one run at a time, and by the next once it lapses', async () => {
    const job = await created();
    const first = await claimExportJob(job.id, 'run-1', T0, MINUTE);
    expect(first).toMatchObject({ state: 'running', attempts: 1 });
    expect(first).not.toHaveProperty('leaseOwner');
    await expect(claimExportJob(job.id, 'run-2', new Date(T0.getTime() + MINUTE - 1), MINUTE)).rejects.toThrow(
      ExportJobBusyError,
    );
    expect(await claimExportJob(job.id, 'run-2', new Date(T0.getTime() + MINUTE + 1), MINUTE)).toMatchObject({ attempts: 2 });
    await expect(claimExportJob(randomUUID(), 'run-3', T0, MINUTE)).rejects.toThrow(ExportJobBusyError);
  });

  it('lets only the holder save progress from the checkpoint it read, which resets the failed attempts', async () => {
    const job = await created();
    await claimExportJob(job.id, 'run-1', T0, MINUTE);
    const next = { ...job.checkpoint, file: { ...job.checkpoint.file, records: 3 }, revision: 1 };
    await expect(saveExportCheckpoint(job.id, 'run-2', next, T0.getTime() + 2 * MINUTE)).rejects.toThrow(ExportJobBusyError);
    await expect(saveExportCheckpoint(job.id, 'run-1', { ...next, revision: 2 }, T0.getTime())).rejects.toThrow(
      ExportJobBusyError,
    );
    await saveExportCheckpoint(job.id, 'run-1', next, T0.getTime() + 2 * MINUTE);
    expect(await getExportJob(job.id)).toMatchObject({ checkpoint: next, attempts: 0 });
    // The same save again moves from a checkpoint that is no longer there.
    await expect(saveExportCheckpoint(job.id, 'run-1', next, T0.getTime())).rejects.toThrow(ExportJobBusyError);
  });

  it('completes only for the holder at the checkpoint it wrote, giving the slot back', async () => {
    const job = await created();
    await claimExportJob(job.id, 'run-1', T0, MINUTE);
    await expect(completeExportJob(job, 'run-2', 0, result)).rejects.toThrow(ExportJobBusyError);
    await expect(completeExportJob(job, 'run-1', 1, result)).rejects.toThrow(ExportJobBusyError);
    expect(await slotHolders('export', job.orgId)).toEqual([job.id]);
    await completeExportJob(job, 'run-1', 0, result);
    expect(await getExportJob(job.id)).toMatchObject({ state: 'done', result });
    expect(await slotHolders('export', job.orgId)).toEqual([]);
    await expect(claimExportJob(job.id, 'run-3', new Date(T0.getTime() + 10 * MINUTE), MINUTE)).rejects.toThrow(
      ExportJobBusyError,
    );
  });

  it('is given back for the next run by its holder only, or fails the job for good', async () => {
    const job = await created();
    await claimExportJob(job.id, 'run-1', T0, MINUTE);
    // A run that lost the lease gives back nothing, and says nothing.
    await releaseExportJob(job, 'run-2', {});
    await expect(claimExportJob(job.id, 'run-2', T0, MINUTE)).rejects.toThrow(ExportJobBusyError);
    await releaseExportJob(job, 'run-1', {});
    expect(await getExportJob(job.id)).toMatchObject({ state: 'running' });
    expect(await slotHolders('export', job.orgId)).toEqual([job.id]);
    await claimExportJob(job.id, 'run-2', T0, MINUTE);
    await releaseExportJob(job, 'run-1', { failed: { code: 'X', message: 'not the holder' } });
    expect(await getExportJob(job.id)).toMatchObject({ state: 'running' });
    await releaseExportJob(job, 'run-2', { failed: { code: 'EXPORT_FAILED', message: 'gave up' } });
    expect(await getExportJob(job.id)).toMatchObject({ state: 'failed', error: { code: 'EXPORT_FAILED' } });
    expect(await slotHolders('export', job.orgId)).toEqual([]);
  });
});

describe('settling an export slot', () => {
  it('frees the slot of a missing or finished job at once', async () => {
    const orgId = `org-${randomUUID()}`;
    expect(await settleExportSlot(orgId, randomUUID(), T0, T0)).toBe(true);
    const job = await created();
    await claimExportJob(job.id, 'run-1', T0, MINUTE);
    await completeExportJob(job, 'run-1', 0, result);
    expect(await settleExportSlot(job.orgId, job.id, T0, T0)).toBe(true);
    expect(await slotHolders('export', job.orgId)).toEqual([]);
  });

  it('fails a job that stopped moving, but never one a run holds or that moved since', async () => {
    const job = await created();
    const later = new Date(T0.getTime() + 10 * MINUTE);
    // Nothing moved after T0, but the bound says it must have been still since before it.
    expect(await failStalledExportJob(job, later, T0, { code: 'EXPORT_STALLED', message: 'm' })).toBe(false);
    await claimExportJob(job.id, 'run-1', later, MINUTE);
    const stalledBefore = new Date(later.getTime() + 1);
    expect(await settleExportSlot(job.orgId, job.id, new Date(later.getTime() + MINUTE - 1), stalledBefore)).toBe(false);
    expect(await slotHolders('export', job.orgId)).toEqual([job.id]);
    expect(await settleExportSlot(job.orgId, job.id, new Date(later.getTime() + MINUTE + 1), stalledBefore)).toBe(true);
    expect(await getExportJob(job.id)).toMatchObject({ state: 'failed', error: { code: 'EXPORT_STALLED' } });
    expect(await slotHolders('export', job.orgId)).toEqual([]);
  });
});
