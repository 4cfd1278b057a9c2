import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acquireIssuanceLease, getIssuanceJob } from '#shared/issuance/store/issuance-job-repository';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * stop() means stopped: a job run still going on when the runtime stops is told its time is up,
 * saves its progress and ends before stop() resolves, so nothing writes into DATA_DIR once the
 * service said it stopped (test cleanups remove it right after: the CLI test's `rmdir …/labels`
 * failed with ENOTEMPTY while a label file was still being written).
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 240_000): Promise<void> => {
  await vi.waitUntil(check, { timeout: timeoutMs, interval: 100 }).catch((error: unknown) => {
    throw new Error(`Timed out waiting for ${what}`, { cause: error });
  });
};

describe('stopping the local runtime', () => {
  it('ends the job runs it started before it resolves: the job is left, released, for the next run', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    // The largest lot: its signing outlasts any machine's first progress write by far.
    const created = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'STOP-1', productionDate: '2026-01-15', count: 1_000_000, labels: { formats: ['csv'] } },
    });
    expect(created.status).toBe(202);
    const batchId = ((await created.json()) as { batch: { id: string } }).batch.id;
    // A run is signing: it has written its first progress.
    await waitFor('the job run to make progress', async () => ((await getIssuanceJob(batchId))?.chunksDone ?? 0) > 0);

    await service.runtime.stop();

    // No run holds the job any more: the next one (here a probe, in AWS the next message) takes it.
    const job = await getIssuanceJob(batchId);
    expect(job?.state).toBe('signing');
    expect(job?.chunksDone).toBeLessThan(job?.chunkCount ?? 0);
    expect(await acquireIssuanceLease(batchId, 'probe-after-stop', Date.now() + 60_000)).toBeDefined();
  }, 600_000);
});
