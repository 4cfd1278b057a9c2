import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { completeExportJob, releaseExportJob, saveExportCheckpoint } from '#shared/audit/store/export-job-repository';
import { acquireLogLease, leavesFromChunkStart, readLogState, releaseLogLease } from '#shared/audit/store/merkle-log-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The audit stores when DynamoDB fails rather than refuses: an outage is passed on as
 * itself, never taken for another run holding the job or the log (which would drop the
 * run's work silently); and a log with no state or chunk yet reads as empty or corrupt,
 * never padded.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => vi.restoreAllMocks());
const outage = () => Object.assign(new Error('service unavailable'), { name: 'InternalServerError' });
const job = { id: '00000000-0000-4000-8000-000000000001', orgId: 'org-a' };
const checkpoint = { file: { records: 0, bytes: 0, parts: 0 }, proofs: { records: 0, bytes: 0, parts: 0 }, revision: 1 };

describe('a log never written', () => {
  it('has size 0, and a state claiming leaves its chunk lacks is refused', async () => {
    expect(await readLogState()).toEqual({ size: 0 });
    await expect(leavesFromChunkStart({ size: 5 }, [])).rejects.toThrow(/shorter than the log/);
  });
});

describe('audit stores during an outage', () => {
  it('pass the outage on instead of calling the log busy', async () => {
    vi.spyOn(documentClient, 'send').mockRejectedValue(outage());
    await expect(acquireLogLease('run', Date.now(), 1000)).rejects.toThrow('service unavailable');
    await expect(releaseLogLease('run')).rejects.toThrow('service unavailable');
  });

  it('pass the outage on instead of calling the export job busy', async () => {
    vi.spyOn(documentClient, 'send').mockRejectedValue(outage());
    await expect(saveExportCheckpoint(job.id, 'run', checkpoint, Date.now())).rejects.toThrow('service unavailable');
    await expect(
      completeExportJob(job, 'run', 1, { sha256: '', proofsSha256: '', manifest: '', completedAt: '' }),
    ).rejects.toThrow('service unavailable');
    await expect(releaseExportJob(job, 'run', {})).rejects.toThrow('service unavailable');
  });
});
