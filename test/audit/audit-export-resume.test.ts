import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#kernel/auth/principal';
import { readExportRecords } from '#shared/audit/domain/export-readers';
import { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } from '#shared/audit/services/checkpoint-service';
import { createExport } from '#shared/audit/services/export-jobs';
import { type ExportRunOptions, runExportJob } from '#shared/audit/services/export-worker';
import { localExportPath } from '#shared/audit/store/export-file-store';
import { getExportJob } from '#shared/audit/store/export-job-repository';
import { namesIn } from '#shared/custody/domain/party-names';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

process.env.AUDIT_LOG_START = new Date(Date.now() - 86_400_000).toISOString();
process.env.EVENTS_SINCE = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

let service: TestService;
let national: Principal;
const named: Record<'factory' | 'first' | 'second', { id: string; name: string; region: string }> = {
  factory: { id: '', name: 'Resume Helmets Co.', region: 'CN-AH Hefei' },
  first: { id: '', name: 'Resume Wuhu Supply', region: 'CN-AH Wuhu' },
  second: { id: '', name: 'Resume Bengbu Safety', region: 'CN-AH Bengbu' },
};
const noDispatch = async () => undefined;
/** Small parts: a checkpoint every two or three events, so a failure can land between any of them. */
const PART_BYTES = 1500;

beforeAll(async () => {
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin());
  const { factory, gtin } = await factoryWithProduct(service, adminToken, named.factory);
  named.factory.id = factory.id;
  for (const key of ['first', 'second'] as const) {
    named[key].id = (await registerOrg(service, 'distributor', adminToken, named[key])).id;
  }
  const units = await issueUnits(service, factory.token, gtin, 'RES-1', 12);
  for (const [i, unit] of units.entries()) {
    // The first distributor is in the first two events only: a run resuming after them must still name it.
    const destination = i < 2 ? named.first.id : named.second.id;
    const shipped = await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [unit], destination })]);
    expect(shipped.status).toBe(200);
  }
  await appendAndCheckpoint({ source: recordedEventSource, now: new Date(Date.now() + SETTLE_MARGIN_MS + 60_000) });
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: 'National regulator', role: 'regulator', region: 'CN', licenseNumber: `91330000${Date.now()}`.slice(0, 18) },
  });
  national = { orgId: ((await res.json()) as { id: string }).id, role: 'regulator', clientId: 'resume-test' };
}, 180_000);
afterAll(async () => service?.stop());

/** A deterministic stream of choices (mulberry32), so a failing run can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const runToEnd = async (jobId: string, options: ExportRunOptions) => {
  const outcomes: string[] = [];
  for (let run = 0; run < 200; run++) {
    const outcome = await runExportJob(jobId, { partBytes: PART_BYTES, ...options });
    outcomes.push(outcome);
    if (outcome === 'done' || outcome === 'failed') return outcomes;
  }
  throw new Error('the export never finished');
};

describe('a crashed export job resumes without duplicates or gaps', { timeout: 180_000 }, () => {
  it.each([
    ['epcis', 1],
    ['csv', 2],
    ['ndjson', 3],
  ] as const)('%s: failures at random points, resumed, give the clean run byte for byte (seed %i)', async (format, seed) => {
    const now = new Date();
    const clean = await createExport(national, { format, query: {} }, now, noDispatch);
    expect(await runToEnd(clean.id, {})).toEqual(['done']);

    const faulty = await createExport(national, { format, query: {} }, now, noDispatch);
    const random = seeded(seed);
    let faults = 0;
    const struck = new Set<string>();
    const outcomes = await runToEnd(faulty.id, {
      // Every point is struck at least once (its first time), then at random.
      fault: (point) => {
        if (!struck.has(point) || random() < 0.3) {
          struck.add(point);
          faults++;
          throw new Error(`injected failure at ${point}`);
        }
      },
    });
    expect(outcomes.at(-1)).toBe('done');
    expect([...struck].sort()).toEqual(['checkpointed', 'finished', 'part-written', 'sealed']);
    expect(outcomes.filter((o) => o === 'retry')).toHaveLength(faults);

    const [a, b] = await Promise.all([getExportJob(clean.id), getExportJob(faulty.id)]);
    expect(a?.checkpoint.file.parts).toBeGreaterThan(3);
    expect(a?.checkpoint.proofs.parts).toBeGreaterThan(3);
    expect(b?.result?.sha256).toBe(a?.result?.sha256);
    expect(b?.result?.proofsSha256).toBe(a?.result?.proofsSha256);
    for (const kind of ['file', 'proofs'] as const) {
      const [cleanBytes, resumedBytes] = await Promise.all([
        readFile(localExportPath(clean.id, format, kind) ?? ''),
        readFile(localExportPath(faulty.id, format, kind) ?? ''),
      ]);
      expect(resumedBytes.equals(cleanBytes)).toBe(true);
    }
  });
});

describe('a resumed export names every organization of every part', { timeout: 180_000 }, () => {
  it.each(['epcis', 'ndjson'] as const)('%s: a run per part, names and regions all there, as in one run', async (format) => {
    const now = new Date();
    const whole = await createExport(national, { format, query: {} }, now, noDispatch);
    expect(await runToEnd(whole.id, {})).toEqual(['done']);
    const parted = await createExport(national, { format, query: {} }, now, noDispatch);
    // No time left after each part: every part is written by a run of its own, from the job's checkpoint.
    const outcomes = await runToEnd(parted.id, { remainingMs: () => 0 });
    expect(outcomes.filter((o) => o === 'continue').length).toBeGreaterThan(3);
    expect(outcomes.at(-1)).toBe('done');

    const file = await readFile(localExportPath(parted.id, format, 'file') ?? '', 'utf8');
    expect(file).toBe(await readFile(localExportPath(whole.id, format, 'file') ?? '', 'utf8'));
    const lists: unknown[] = [];
    const records: string[] = [];
    const stream = createReadStream(localExportPath(parted.id, format, 'file') ?? '', 'utf8');
    for await (const record of readExportRecords(format, stream, (list) => lists.push(list))) records.push(record);
    expect(records).toHaveLength((await getExportJob(parted.id))?.checkpoint.file.records ?? -1);
    const names = namesIn(lists.flat());
    for (const org of Object.values(named)) {
      expect(names.get(`urn:traceseal:org:${org.id}`)).toBe(`${org.name} (${org.region})`);
    }
    if (format === 'ndjson') {
      // Each organization named once in each vocabulary, however many runs wrote the file.
      const elements = lists.flat().flatMap((v) => (v as { vocabularyElementList: { id: string }[] }).vocabularyElementList);
      const first = `urn:traceseal:org:${named.first.id}`;
      expect(elements.filter((e) => e.id === first)).toHaveLength(1);
    }
  });
});
