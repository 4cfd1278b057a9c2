/**
 * The audit-export part of `npm run bench` (skip with --no-audit-export): an audit export of a generated
 * history, its time and peak RSS. Goal: 1,000,000 events with peak RSS <= 256 MB.
 *
 * The history is written straight through the store (event items with the attributes the
 * custody repository writes, the time index from `eventIndexAttributes`, the Merkle log
 * through `importLeaves`, the bulk form of `appendLeaves`; a head signed by the checkpoint service): recording a million
 * events through the API would take hours and measure something else. Facet rows are not
 * written: a national regulator's export reads the time index, which is on the event item.
 * The export itself runs in a child process (`--child <jobId>`) through the same
 * `runExportJob` the worker function runs, so its peak RSS (getrusage's maxRSS) is the
 * export's alone, not the seeding's.
 *
 * Standalone: `npx tsx scripts/bench/audit-export.ts [--count N] [--format epcis|csv|ndjson]`.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const HERE = fileURLToPath(import.meta.url);
export const PEAK_RSS_GOAL_MB = 256;
const SUBJECTS = 1000;

export interface SeedResult {
  count: number;
  from: string;
  to: string;
  seconds: number;
}

/** `count` shipping events, one every 50 ms from `start`, each in the log, and a head over all of them. */
export const seedHistory = async (
  count: number,
  start: Date,
  actorOrgId: string,
  /** How many of them (the oldest) go into the Merkle log; the rest are newer than its head. */
  logged = count,
): Promise<SeedResult> => {
  const t0 = performance.now();
  const { toEpcisEvent } = await import('#shared/custody/domain/epcis');
  const { hashRecordedEvent } = await import('#shared/custody/domain/chain');
  const { eventLeafHash } = await import('#shared/audit/domain/audit-log');
  const { batchPutAll } = await import('#kernel/db/dynamodb-client');
  const { eventIndexAttributes } = await import('#shared/custody/store/event-index-repository');
  const { eventKey } = await import('#kernel/db/item-keys');
  const log = await import('#shared/audit/store/merkle-log-repository');
  const { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } = await import(
    '#shared/audit/services/checkpoint-service'
  );

  const owner = randomUUID();
  let state = await log.acquireLogLease(owner, Date.now(), 60 * 60 * 1000);
  if (state.size !== 0) throw new Error('seedHistory wants an empty audit log');
  const { importLeaves } = await import('#shared/audit/store/merkle-log-import');
  const SLICE = 8192;
  const heads = new Map<string, string>();
  const GENESIS = createHash('sha256').update('bench genesis').digest('hex');
  let last = start.toISOString();
  for (let offset = 0; offset < count; offset += SLICE) {
    const items: Record<string, unknown>[] = [];
    const entries: { eventId: string; recordTime: string; leafHash: Buffer }[] = [];
    for (let i = offset; i < Math.min(count, offset + SLICE); i++) {
      const eventTime = new Date(start.getTime() + i * 50);
      const recordTime = new Date(eventTime.getTime() + 10).toISOString();
      const eventId = `ni:///sha-256;${createHash('sha256').update(`bench-${i}`).digest('hex')}?ver=CBV2.0`;
      const serial = `B${i % SUBJECTS}`;
      const epcis = toEpcisEvent({
        eventId,
        recordTime,
        bizStep: 'shipping',
        eventTime: eventTime.toISOString(),
        eventTimeZoneOffset: '+08:00',
        subjects: [{ kind: 'unit', gtin: '06901234567892', lot: 'BENCH', serial }],
        actorOrgId,
        destinationOrgId: 'org-bench-distributor',
        location: 'Hangzhou',
      });
      const audience = {
        parties: [actorOrgId],
        provinces: ['CN-ZJ'],
        gtins: ['06901234567892'],
        lots: ['06901234567892/BENCH'],
        bizStep: 'shipping',
      };
      const json = JSON.stringify(epcis);
      const subjectId = `06901234567892.${serial}`;
      const eventHash = hashRecordedEvent(epcis);
      items.push({
        ...eventKey(eventId),
        type: 'custodyEvent',
        eventId,
        bizStep: 'shipping',
        actorOrgId,
        subjectIds: [subjectId],
        // Each unit's events chained as the custody repository chains them.
        previousEventHashes: [heads.get(subjectId) ?? GENESIS],
        epcis: json,
        eventHash,
        idAlgorithm: 'cbv2.0',
        recordTime,
        ...eventIndexAttributes(eventId, recordTime, audience),
      });
      heads.set(subjectId, eventHash);
      if (i < logged) {
        entries.push({ eventId, recordTime, leafHash: eventLeafHash(json) });
        last = recordTime;
      }
    }
    // Many writers side by side (DynamoDB, Local too, takes them in parallel), the events'
    // and the log's at once: one transaction per 64 leaves would take 20 minutes a million.
    const LANES = 12;
    const share = Math.ceil(items.length / LANES);
    const [, imported] = await Promise.all([
      Promise.all(Array.from({ length: LANES }, (_, lane) => batchPutAll(items.slice(lane * share, (lane + 1) * share)))),
      importLeaves(owner, state, entries),
    ]);
    state = imported;
    // The lease is renewed as the log grows, so a long seeding never loses it.
    state = await log.acquireLogLease(owner, Date.now(), 60 * 60 * 1000);
  }
  await log.releaseLogLease(owner);
  // Nothing is left to append: this signs the head over the whole seeded log.
  await appendAndCheckpoint({ source: recordedEventSource, now: new Date(Date.parse(last) + SETTLE_MARGIN_MS + 1) });
  return { count, from: start.toISOString(), to: last, seconds: (performance.now() - t0) / 1000 };
};

export interface ExportRun {
  records: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
}

/**
 * The child's V8 old space, in MB. Without a cap V8 grows its heap as far as its own defaults
 * allow before collecting, and collects later still when the CPU is busy (its concurrent
 * marking runs on the same two cores), so peak RSS measured how idle the machine was rather
 * than what the export holds. Capped, V8 must collect to stay under it: an export that held
 * more than this live would fail with an out-of-memory error, a clear verdict at any load.
 */
export const EXPORT_CHILD_OLD_SPACE_MB = 128;

/** Runs the job to its end in a child process; its peak RSS is the export's. */
export const exportInChild = async (jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<ExportRun> => {
  const node = [`--max-old-space-size=${EXPORT_CHILD_OLD_SPACE_MB}`, '--import', 'tsx'];
  const { stdout } = await promisify(execFile)(process.execPath, [...node, HERE, '--child', jobId], {
    env,
    maxBuffer: 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ExportRun;
};

const child = async (jobId: string): Promise<void> => {
  const { runExportJob } = await import('#shared/audit/services/export-worker');
  const { getExportJob } = await import('#shared/audit/store/export-job-repository');
  const t0 = performance.now();
  for (let run = 0; run < 100; run++) {
    const outcome = await runExportJob(jobId);
    if (outcome === 'done' || outcome === 'failed') break;
  }
  const job = await getExportJob(jobId);
  if (job?.state !== 'done') throw new Error(`export ${jobId} ended ${job?.state}: ${JSON.stringify(job?.error)}`);
  const result: ExportRun = {
    records: job.checkpoint.file.records,
    bytes: job.checkpoint.file.bytes,
    seconds: (performance.now() - t0) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
};

export interface AuditExportBench {
  seed: SeedResult;
  run: ExportRun;
}

/** The whole part: a fresh in-memory DynamoDB Local, the history, one national export. */
export const benchAuditExport = async (
  count: number,
  format: 'epcis' | 'csv' | 'ndjson' = 'epcis',
): Promise<AuditExportBench> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-export-'));
  const { startLocalRuntime } = await import('../local/runtime');
  const runtime = await startLocalRuntime({ port: 0, dataDir, inMemory: true, tableName: 'bench-audit-export' });
  try {
    const start = new Date(Date.now() - 3 * 86_400_000 - count * 50);
    process.env.EVENTS_SINCE = start.toISOString().slice(0, 10);
    process.env.EXPORT_PART_BYTES = String(5 * 1024 * 1024);
    const seed = await seedHistory(count, start, 'org-bench-factory');
    const { createExport } = await import('#shared/audit/services/export-jobs');
    const national = await createNationalRegulator();
    const principal = { orgId: national, role: 'regulator' as const, clientId: 'bench' };
    const job = await createExport(principal, { format, query: {} }, new Date(), async () => undefined);
    const run = await exportInChild(job.id);
    return { seed, run };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};

/** A national regulator (its region a bare country code), written as the registry writes organizations. */
export const createNationalRegulator = async (): Promise<string> => {
  const { createOrganization } = await import('#shared/registry/store/org-repository');
  const id = randomUUID();
  await createOrganization({
    id,
    name: 'National regulator',
    role: 'regulator',
    region: 'CN',
    licenseNumber: '913300000000000000',
    createdAt: new Date().toISOString(),
  });
  return id;
};

export const printAuditExport = (result: AuditExportBench): void => {
  const { seed, run } = result;
  const verdict = run.peakRssMb <= PEAK_RSS_GOAL_MB ? 'PASS' : 'MISS';
  console.log(`j) audit export of ${run.records.toLocaleString('en')} events (seeded in ${seed.seconds.toFixed(0)} s)`);
  console.log(
    `   ${run.seconds.toFixed(1)} s, ${(run.records / run.seconds).toFixed(0)} events/s, ${(run.bytes / 1024 / 1024).toFixed(0)} MB written, peak RSS ${run.peakRssMb.toFixed(0)} MB (goal <= ${PEAK_RSS_GOAL_MB} MB: ${verdict})`,
  );
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const jobId = option('--child');
  if (jobId !== undefined) await child(jobId);
  else {
    const result = await benchAuditExport(Number(option('--count') ?? 1_000_000), (option('--format') ?? 'epcis') as 'epcis');
    printAuditExport(result);
    console.log(JSON.stringify({ auditExport: result }));
  }
}

/** `npm run bench`'s hook: the audit-export part unless --no-audit-export; --audit-export-count N sizes it (default 1,000,000). */
export const runAuditExportPart = async (args: ReadonlySet<string>): Promise<void> => {
  if (args.has('--no-audit-export')) {
    console.log('j) audit export: skipped (--no-audit-export)');
    return;
  }
  const sized = [...args].find((arg) => arg.startsWith('--audit-export-count='));
  try {
    const result = await benchAuditExport(Number(sized?.split('=')[1] ?? 1_000_000));
    printAuditExport(result);
    console.log(JSON.stringify({ auditExport: result }));
  } catch (error) {
    console.log(`j) audit export: skipped (${error instanceof Error ? error.message : String(error)})`);
  }
};
