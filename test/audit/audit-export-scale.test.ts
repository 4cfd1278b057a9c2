import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExport } from '#shared/audit/services/export-jobs';
import { localExportPath } from '#shared/audit/store/export-file-store';
import { createNationalRegulator, exportInChild, PEAK_RSS_GOAL_MB, seedHistory } from '../../scripts/bench/audit-export';
import { startTestService, type TestService } from '../support/local-service';

/**
 * 100,000 events exported in a child process through the worker's own code, its peak RSS
 * measured (getrusage maxRSS). The history is written through the store in bulk (see
 * scripts/bench/audit-export.ts); the oldest 10,000 are in the Merkle log under a signed
 * head, so the export carries proofs for those and marks the rest as newer than its head.
 */
const COUNT = 100_000;
const LOGGED = 10_000;
let service: TestService;

beforeAll(async () => {
  service = await startTestService();
}, 60_000);
afterAll(async () => service?.stop());

describe('an export of 100,000 events', () => {
  it(`streams in constant memory: peak RSS <= ${PEAK_RSS_GOAL_MB} MB`, { timeout: 900_000 }, async () => {
    const start = new Date(Date.now() - 2 * 86_400_000 - COUNT * 50);
    process.env.EVENTS_SINCE = start.toISOString().slice(0, 10);
    process.env.EXPORT_PART_BYTES = String(5 * 1024 * 1024);
    await seedHistory(COUNT, start, 'org-scale-factory', LOGGED);
    const orgId = await createNationalRegulator();
    const job = await createExport(
      { orgId, role: 'regulator', clientId: 'scale-test' },
      { format: 'ndjson', query: {} },
      new Date(),
      async () => undefined,
    );
    const run = await exportInChild(job.id);
    expect(run.records).toBe(COUNT);
    expect(run.peakRssMb).toBeLessThanOrEqual(PEAK_RSS_GOAL_MB);
    console.log(`export of ${COUNT} events: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB`);

    // Every record is there once, in order, the first LOGGED with a proof.
    const proofs = (await readFile(localExportPath(job.id, 'ndjson', 'proofs') ?? '', 'utf8')).trim().split('\n');
    expect(proofs).toHaveLength(COUNT);
    const parsed = proofs.map((line) => JSON.parse(line) as { n: number; leafIndex: number | null });
    expect(parsed.every((p, i) => p.n === i)).toBe(true);
    expect(parsed.filter((p) => p.leafIndex !== null).map((p) => p.leafIndex)).toEqual(
      Array.from({ length: LOGGED }, (_, i) => i),
    );
  });
});
