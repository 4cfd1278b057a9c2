import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSerialCodec } from '#kernel/codes/serial';
import { splitDigsig, verifyCodeSignature } from '#kernel/codes/signature';
import { labelObjectKey } from '#kernel/db/item-keys';
import { registerLocalJobWorker } from '#kernel/jobs/job-pipeline';
import { slotHolders } from '#kernel/jobs/job-slot-repository';
import { STALLED_JOB_MS } from '#kernel/jobs/job-slots';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import type { IssuedCode } from '#shared/issuance/domain/issuance';
import { getBatchWithProgressFor } from '#shared/issuance/services/batch-progress';
import { issueBatch } from '#shared/issuance/services/batch-service';
import { issuanceJobs } from '#shared/issuance/services/issuance-job-dispatcher';
import { type IssuanceRunOptions, MAX_FAILED_RUNS, processIssuanceJob } from '#shared/issuance/services/issuance-job-worker';
import { type LabelFormat, writeLabelOutput } from '#shared/issuance/services/label-file-writer';
import { CODE_CHUNK_SIZE, getBatchById, listCodes } from '#shared/issuance/store/batch-repository';
import { getIssuanceJob } from '#shared/issuance/store/issuance-job-repository';
import { getProductRecord } from '#shared/registry/store/product-repository';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * The worker killed at random points (injected failures before chunk writes and before
 * label files), run again until done: no code missing or doubled, no stored chunk ever
 * re-signed, and label files byte for byte those a clean run writes from the same chunks.
 */
let service: TestService;
let adminToken: string;
/** The batches whose jobs were dispatched: this file plays the queue itself, run by run. */
const dispatched: string[] = [];
let restoreWorker: (() => void) | undefined;
beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  // In place of the worker the runtime registered: a dispatched job is only noted, never run.
  restoreWorker = registerLocalJobWorker({
    pipeline: issuanceJobs,
    run: async ({ batchId }) => {
      dispatched.push(batchId);
      return { kind: 'busy' };
    },
  });
});
afterAll(async () => {
  restoreWorker?.();
  await service?.stop();
});

const COUNT = 5_500;
const FORMATS: LabelFormat[] = ['csv', 'ndjson', 'zpl', 'pdf', 'svg-zip'];

const allCodes = async (batchId: string): Promise<IssuedCode[]> => {
  const codes: IssuedCode[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCodes(batchId, { cursor });
    codes.push(...page.codes);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return codes;
};

/** A deterministic stream of "random" numbers, so a failing run can be replayed from its seed. */
const randomFrom = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('an issuance job killed at random points', () => {
  it.each([11, 47])(
    'resumes without a missing, doubled or re-signed code (seed %i)',
    async (seed) => {
      const random = randomFrom(seed);
      const { factory, gtin } = await factoryWithProduct(service, adminToken);
      const principal = { orgId: factory.id, role: 'factory' as const, clientId: 'test' };
      const { batch } = await issueBatch(principal, {
        gtin,
        lot: `RESUME-${seed}`,
        productionDate: '2026-10-01',
        count: COUNT,
        labels: { formats: FORMATS, ecc: 'M' },
      });
      await vi.waitUntil(() => dispatched.includes(batch.id), { timeout: 30_000 });

      const seen = new Map<string, string>();
      let crashes = 0;
      for (let run = 0; run < 50; run++) {
        const outcome = await processIssuanceJob(batch.id, {
          remainingMs: () => 600_000,
          faults: {
            beforeChunkWrite: () => {
              if (random() < 0.15) throw new Error('injected crash before a chunk write');
            },
            beforeOutput: () => {
              if (random() < 0.3) throw new Error('injected crash before a label file');
            },
          },
        });
        // Every chunk stored so far keeps the signatures it was first stored with.
        for (const code of await allCodes(batch.id)) {
          const before = seen.get(code.serial);
          if (before !== undefined) expect(code.digsig).toBe(before);
          seen.set(code.serial, code.digsig);
        }
        if (outcome.kind === 'done') break;
        // After five failed runs in a row a job stops asking to be retried ('failed'); playing
        // the queue on, as an operator redriving it would, finishes it just the same.
        expect(['retry', 'failed']).toContain(outcome.kind);
        crashes++;
      }
      expect(crashes).toBeGreaterThan(0);
      expect((await getIssuanceJob(batch.id))?.state).toBe('done');

      const codes = await allCodes(batch.id);
      expect(codes).toHaveLength(COUNT);
      const record = await getProductRecord(gtin);
      const codec = createSerialCodec(record?.serialKey ?? new Uint8Array());
      codes.forEach((code, i) => {
        expect(code.sequence).toBe(batch.firstSequence + i);
        expect(code.serial).toBe(codec.encode(batch.firstSequence + i));
      });
      const publicKey = createPublicKey((await getActiveSigningKey()).privateKey);
      for (const code of codes.filter((_, i) => i % CODE_CHUNK_SIZE === 0 || i === COUNT - 1)) {
        expect(
          verifyCodeSignature(publicKey, { gtin, lot: batch.lot, serial: code.serial }, splitDigsig(code.digsig).signature),
        ).toBe(true);
      }

      // A clean run over the same stored chunks writes the very same bytes.
      const job = await getIssuanceJob<never>(batch.id);
      const stored = await getBatchById(batch.id);
      if (stored === undefined || job === undefined) throw new Error('batch vanished');
      for (const output of job.outputs) {
        const path = join(service.runtime.dataDir, 'labels', labelObjectKey(batch.id, output.file));
        const crashedBytes = await readFile(path);
        expect(createHash('sha256').update(crashedBytes).digest('hex')).toBe(output.sha256);
        const product = (await getProductRecord(stored.gtin))?.product;
        if (product === undefined) throw new Error('product vanished');
        const clean = await writeLabelOutput(
          stored,
          product,
          output.format as LabelFormat,
          { formats: FORMATS, ecc: 'M' },
          service.url,
        );
        expect(clean.sha256).toBe(output.sha256);
        expect(clean.bytes).toBe(crashedBytes.length);
      }
      expect(job.outputs.map((o) => o.format)).toEqual(FORMATS);
    },
    180_000,
  );

  it('shows which label file is being written and how far, file by file, through a crash in the middle of one', {
    timeout: 120_000,
  }, async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const principal = { orgId: factory.id, role: 'factory' as const, clientId: 'test' };
    const count = 12_000;
    const { batch } = await issueBatch(principal, {
      gtin,
      lot: 'STAGES-1',
      productionDate: '2026-10-01',
      count,
      labels: { formats: ['csv', 'pdf'], ecc: 'M' },
    });
    const run = (faults: IssuanceRunOptions['faults']) =>
      processIssuanceJob(batch.id, { remainingMs: () => 600_000, progressEveryMs: 0, faults });
    const files = async () => (await getBatchWithProgressFor(principal, batch.id)).progress;

    // Signed, the CSV written, the run dies before the PDF: the PDF is waiting, not "done".
    expect(
      (
        await run({
          beforeOutput: (format) => {
            if (format === 'pdf') throw new Error('injected before the PDF');
          },
        })
      ).kind,
    ).toBe('retry');
    expect(await files()).toMatchObject({
      state: 'writing-outputs',
      codesIssued: count,
      percent: 95,
      files: [
        { format: 'csv', state: 'written', labelsWritten: count, labels: count },
        { format: 'pdf', state: 'waiting', labelsWritten: 0, labels: count },
      ],
    });

    // The next run dies part way through the PDF (after its first page of codes): that is what it shows.
    const crashMidPdf = (format: string, labelsWritten: number) => {
      if (format === 'pdf' && labelsWritten < count) throw new Error('injected in the middle of the PDF');
    };
    expect((await run({ afterLabelProgress: crashMidPdf })).kind).toBe('retry');
    const midway = await files();
    expect(midway?.files).toEqual([
      { format: 'csv', state: 'written', labelsWritten: count, labels: count },
      { format: 'pdf', state: 'writing', labelsWritten: 10_000, labels: count },
    ]);
    expect(midway?.percent).toBeGreaterThan(95);
    expect(midway?.percent).toBeLessThan(100);

    expect((await run(undefined)).kind).toBe('done');
    expect(await files()).toMatchObject({
      state: 'done',
      percent: 100,
      files: [
        { format: 'csv', state: 'written', labelsWritten: count },
        { format: 'pdf', state: 'written', labelsWritten: count },
      ],
    });
  });

  it('stops as failed after runs in a row that store nothing, and the same request resumes it where it stopped', {
    timeout: 120_000,
  }, async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const principal = { orgId: factory.id, role: 'factory' as const, clientId: 'test' };
    const request = {
      gtin,
      lot: 'FAILS-1',
      productionDate: '2026-10-01',
      count: 2_500,
      labels: { formats: ['csv' as const], ecc: 'M' as const },
    };
    const { batch } = await issueBatch(principal, request, 'fails-then-resumes');
    const stuck = {
      beforeChunkWrite: () => {
        throw new Error('injected: the table refuses every write');
      },
    };

    // The first chunk goes in, then nothing more: that run made progress, so it is not counted.
    let writes = 0;
    const once = {
      beforeChunkWrite: () => {
        if (writes++ > 0) throw new Error('injected: one write, then none');
      },
    };
    expect((await processIssuanceJob(batch.id, { remainingMs: () => 600_000, faults: once })).kind).toBe('retry');
    expect((await getIssuanceJob(batch.id))?.chunksDone).toBeLessThanOrEqual(1);
    const outcomes: string[] = [];
    for (let run = 0; run < MAX_FAILED_RUNS; run++) {
      outcomes.push((await processIssuanceJob(batch.id, { remainingMs: () => 600_000, faults: stuck })).kind);
    }
    expect(outcomes).toEqual([...Array.from({ length: MAX_FAILED_RUNS - 1 }, () => 'retry'), 'failed']);
    const failed = await getBatchWithProgressFor(principal, batch.id);
    expect(failed.progress?.state).toBe('failed');
    expect(failed.progress?.codesIssued).toBeLessThan(request.count);
    // A stray delivery does nothing to a failed job.
    expect((await processIssuanceJob(batch.id, { remainingMs: () => 600_000 })).kind).toBe('failed');

    const replayed = await issueBatch(principal, request, 'fails-then-resumes');
    expect(replayed.replayed).toBe(true);
    expect((await getIssuanceJob(batch.id))?.state).toBe('signing');
    expect((await processIssuanceJob(batch.id, { remainingMs: () => 600_000 })).kind).toBe('done');
    const codes = await allCodes(batch.id);
    expect(codes).toHaveLength(request.count);
    expect(new Set(codes.map((c) => c.serial)).size).toBe(request.count);
    expect((await getBatchWithProgressFor(principal, batch.id)).progress).toMatchObject({ state: 'done', percent: 100 });
  });

  it('gives a failed job its slot back, takes one again to resume it, and reclaims the slot of a job that died', {
    timeout: 120_000,
  }, async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const principal = { orgId: factory.id, role: 'factory' as const, clientId: 'test' };
    const request = (lot: string) => ({ gtin, lot, productionDate: '2026-10-01', count: 20_001 });
    const first = await issueBatch(principal, request('SLOT-1'), 'slot-1');
    const second = await issueBatch(principal, request('SLOT-2'), 'slot-2');
    await expect(issueBatch(principal, request('SLOT-3'), 'slot-3')).rejects.toMatchObject({
      statusCode: 429,
      code: 'TOO_MANY_JOBS',
    });

    // The first fails (runs that store nothing): its slot is given back with the failure.
    const stuck = {
      beforeChunkWrite: () => {
        throw new Error('injected: the table refuses every write');
      },
    };
    for (let run = 0; run < MAX_FAILED_RUNS; run++) {
      await processIssuanceJob(first.batch.id, { remainingMs: () => 600_000, faults: stuck });
    }
    expect((await getIssuanceJob(first.batch.id))?.state).toBe('failed');
    expect(await slotHolders('issuance', factory.id)).toEqual([second.batch.id]);
    const third = await issueBatch(principal, request('SLOT-3'), 'slot-3');
    expect(third.job).toBe(true);

    // Resuming the failed job takes a slot again: refused while the factory is at its limit.
    await expect(issueBatch(principal, request('SLOT-1'), 'slot-1')).rejects.toMatchObject({ code: 'TOO_MANY_JOBS' });
    expect((await getIssuanceJob(first.batch.id))?.state).toBe('failed');

    // A job that died (no run for longer than a run and its redeliveries take) holds its slot
    // no longer: the next request fails it, resumable, and takes its place.
    const later = new Date(Date.now() + STALLED_JOB_MS + 60_000);
    const fourth = await issueBatch(principal, request('SLOT-4'), 'slot-4', later);
    expect(fourth.job).toBe(true);
    const states = await Promise.all([second, third].map(async ({ batch }) => (await getIssuanceJob(batch.id))?.state));
    expect(states.sort()).toEqual(['failed', 'failed']);
    expect(await slotHolders('issuance', factory.id)).toEqual([fourth.batch.id]);
    const resumed = await issueBatch(principal, request('SLOT-1'), 'slot-1');
    expect(resumed.replayed).toBe(true);
    expect((await getIssuanceJob(first.batch.id))?.state).toBe('signing');
    expect((await slotHolders('issuance', factory.id)).sort()).toEqual([first.batch.id, fourth.batch.id].sort());
  });
});
