import { randomUUID } from 'node:crypto';
import { parseEpcisQuery, viewerOf } from '#custody/contract';
import type { JobWorker } from '#kernel/jobs/job-pipeline';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { logger } from '#kernel/logger';
import { getOrganization } from '#registry';
import { exportPrologue, proofLineOf } from '../domain/export-formats';
import { type ExportStream, openExportWriter, partBytes, putExportManifest } from '../store/export-file-store';
import {
  claimExportJob,
  completeExportJob,
  type ExportCheckpoint,
  type ExportJob,
  ExportJobBusyError,
  type ExportStreamState,
  releaseExportJob,
  saveExportCheckpoint,
} from '../store/export-job-repository';
import { type ExportJobMessage, exportJobs } from './export-dispatch';
import { exportLeafRange } from './export-edges';
import { fileNamer } from './export-file-namer';
import { signExportManifest } from './export-manifest';
import { exportRecords } from './export-source';

/**
 * One run of an export job. It writes the file and its proofs sidecar in parts, and after
 * each part records (conditionally, as the lease holder) the last event written, the bytes
 * and the parts: a run that dies anywhere leaves a checkpoint that names exactly what is
 * durably written, and the next run drops anything past it and reads on strictly after its
 * last event, so the result has no duplicate and no gap. The last part is followed by a
 * sealed checkpoint; finishing (completing the uploads, hashing the files as stored,
 * signing and storing the manifest) is repeatable, so a run that dies there is finished
 * by the next.
 */
export type ExportRunOutcome = 'done' | 'continue' | 'busy' | 'retry' | 'failed' | 'gone';

/** Longer than the worker function's timeout (15 min), so a crashed run's lease lapses before the retry. */
export const EXPORT_LEASE_MS = 16 * 60 * 1000;
/** A run stops this long before its deadline and leaves the rest to the next. */
const DEADLINE_MARGIN_MS = 60 * 1000;
/** Runs in a row that fail without progress before the job is failed. */
export const MAX_FAILED_ATTEMPTS = 5;
export interface ExportRunOptions {
  /** Milliseconds left to this run (Lambda's getRemainingTimeInMillis); unbounded when absent. */
  remainingMs?: () => number;
  /** Tests: called at each point where a real run could die; throwing simulates that. */
  fault?: (point: 'part-written' | 'checkpointed' | 'sealed' | 'finished') => void;
  now?: () => Date;
  partBytes?: number;
}

const pick = (position: string | undefined) => (position === undefined ? {} : { position });

/** The file's checkpoint as this run last saved it, and how to save the next one under the lease. */
interface CheckpointSaver {
  current: ExportCheckpoint;
  save: (next: ExportCheckpoint) => Promise<void>;
}

const checkpointSaver = (job: ExportJob, owner: string, start: ExportCheckpoint, now: () => Date): CheckpointSaver => {
  const saver: CheckpointSaver = {
    current: start,
    save: async (next) => {
      const saved = { ...next, revision: saver.current.revision + 1 };
      await saveExportCheckpoint(job.id, owner, saved, now().getTime() + EXPORT_LEASE_MS);
      saver.current = saved;
    },
  };
  return saver;
};

/**
 * The parts being filled for the file and its proofs sidecar: a part is written once it is
 * full (or at the end), and each written part is followed by the checkpoint that says so.
 */
const partBuffers = (
  writer: Awaited<ReturnType<typeof openExportWriter>>['writer'],
  saver: CheckpointSaver,
  ahead: () => Record<ExportStream, Pick<ExportStreamState, 'records' | 'position' | 'leaves'>>,
  namer: ReturnType<typeof fileNamer>,
  options: ExportRunOptions,
) => {
  const limit = options.partBytes ?? partBytes();
  const buffers: Record<ExportStream, { chunks: Buffer[]; bytes: number }> = {
    file: { chunks: [], bytes: 0 },
    proofs: { chunks: [], bytes: 0 },
  };
  return {
    add: (stream: ExportStream, text: string) => {
      const chunk = Buffer.from(text, 'utf8');
      buffers[stream].chunks.push(chunk);
      buffers[stream].bytes += chunk.length;
    },
    full: (stream: ExportStream) => buffers[stream].bytes >= limit,
    flush: async (stream: ExportStream, sealed: boolean) => {
      const state = await writer.writePart(stream, saver.current[stream], buffers[stream].chunks);
      options.fault?.('part-written');
      buffers[stream] = { chunks: [], bytes: 0 };
      const named = stream === 'file' ? namer.state() : {};
      await saver.save({
        ...saver.current,
        [stream]: { ...state, ...ahead()[stream], ...named },
        ...(sealed ? { sealed: true } : {}),
      });
      options.fault?.(sealed ? 'sealed' : 'checkpointed');
    },
  };
};

/**
 * Writes the records the file and the proofs sidecar lack, part by part, each part followed
 * by its checkpoint, then seals both: 'continue' when the run's time ran out first.
 */
const writeRecords = async (
  job: ExportJob,
  owner: string,
  writer: Awaited<ReturnType<typeof openExportWriter>>['writer'],
  saver: CheckpointSaver,
  viewer: ReturnType<typeof viewerOf>,
  options: ExportRunOptions,
): Promise<'continue' | 'sealed'> => {
  const checkpoint = saver.current;
  // What each file holds beyond its checkpoint: its records and its last order key.
  const ahead: Record<ExportStream, Pick<ExportStreamState, 'records' | 'position' | 'leaves'>> = {
    file: { records: checkpoint.file.records, ...pick(checkpoint.file.position) },
    proofs: {
      records: checkpoint.proofs.records,
      ...pick(checkpoint.proofs.position),
      ...(checkpoint.proofs.leaves === undefined ? {} : { leaves: checkpoint.proofs.leaves }),
    },
  };
  const namer = fileNamer(job, checkpoint.file.parties);
  const { add, flush, full } = partBuffers(writer, saver, () => ahead, namer, options);
  if (checkpoint.file.bytes === 0) add('file', exportPrologue(job.format, new Date(job.createdAt)));
  const behind = [checkpoint.file, checkpoint.proofs].reduce((a, b) => (a.records <= b.records ? a : b));
  const plan = { query: parseEpcisQuery(job.query), range: job.range, complete: job.complete };
  let n = behind.records;
  for await (const { record, position } of exportRecords({ plan, viewer, treeSize: job.head.treeSize, after: behind.position })) {
    // Each file takes only the records it lacks: the one ahead skips what it already holds.
    if (n >= checkpoint.file.records) {
      add('file', await namer.encode(record, n));
      ahead.file = { records: n + 1, position };
    }
    if (n >= checkpoint.proofs.records) {
      add('proofs', proofLineOf(record, n));
      const leaf = record.leafIndex;
      const leaves = leaf === null ? ahead.proofs.leaves : { first: ahead.proofs.leaves?.first ?? leaf, last: leaf };
      ahead.proofs = { records: n + 1, position, ...(leaves === undefined ? {} : { leaves }) };
    }
    n++;
    for (const stream of ['file', 'proofs'] as const) {
      if (!full(stream)) continue;
      await flush(stream, false);
      if (options.remainingMs !== undefined && options.remainingMs() < DEADLINE_MARGIN_MS) {
        await releaseExportJob(job, owner, {});
        return 'continue';
      }
    }
  }
  add('file', await namer.epilogue());
  await flush('proofs', false);
  await flush('file', true);
  return 'sealed';
};

/** Finishes the sealed files, signs their manifest (a complete export proves its edges) and completes the job. */
const signAndComplete = async (
  job: ExportJob,
  owner: string,
  writer: Awaited<ReturnType<typeof openExportWriter>>['writer'],
  checkpoint: ExportCheckpoint,
  options: ExportRunOptions,
  now: () => Date,
): Promise<void> => {
  const hashes = await writer.finish(checkpoint);
  options.fault?.('finished');
  // The leaves just outside its range (export-edges.ts).
  const leafRange = job.complete
    ? await exportLeafRange({
        head: job.head,
        range: job.range,
        ...(checkpoint.proofs.leaves === undefined ? {} : { proven: checkpoint.proofs.leaves }),
      })
    : undefined;
  const completedAt = now().toISOString();
  const manifest = await signExportManifest(
    {
      exportId: job.id,
      format: job.format,
      recordCount: checkpoint.file.records,
      sha256: hashes.sha256,
      bytes: checkpoint.file.bytes,
      proofsSha256: hashes.proofsSha256,
      query: job.query,
      complete: job.complete,
      range: job.range,
      ...(leafRange === undefined ? {} : { leafRange }),
      createdAt: job.createdAt,
      completedAt,
      exporter: { orgId: job.orgId, subject: job.subject, role: job.role },
      treeHead: job.head,
    },
    await getActiveSigningKey(),
  );
  await putExportManifest(job.id, job.format, manifest);
  await completeExportJob(job, owner, checkpoint.revision, { ...hashes, manifest, completedAt });
};

const write = async (job: ExportJob, owner: string, options: ExportRunOptions): Promise<ExportRunOutcome> => {
  const now = options.now ?? (() => new Date());
  const org = await getOrganization(job.orgId);
  const viewer = org === undefined ? { kind: 'nothing' as const } : viewerOf(org);
  if (viewer.kind === 'nothing' || org?.role !== job.role) {
    await releaseExportJob(job, owner, {
      failed: { code: 'EXPORTER_GONE', message: 'The exporting organization may no longer read these events' },
    });
    return 'failed';
  }
  const opened = await openExportWriter(job.id, job.format, job.checkpoint);
  const saver = checkpointSaver(job, owner, opened.checkpoint, now);
  if (opened.checkpoint !== job.checkpoint) await saver.save(opened.checkpoint);
  if (saver.current.sealed !== true && (await writeRecords(job, owner, opened.writer, saver, viewer, options)) === 'continue') {
    return 'continue';
  }
  await signAndComplete(job, owner, opened.writer, saver.current, options, now);
  return 'done';
};

export const runExportJob = async (jobId: string, options: ExportRunOptions = {}): Promise<ExportRunOutcome> => {
  const owner = randomUUID();
  let job: ExportJob;
  try {
    job = await claimExportJob(jobId, owner, (options.now ?? (() => new Date()))(), EXPORT_LEASE_MS);
  } catch (error) {
    if (error instanceof ExportJobBusyError) return 'busy';
    throw error;
  }
  if (job.id === undefined) return 'gone';
  try {
    return await write(job, owner, options);
  } catch (error) {
    if (error instanceof ExportJobBusyError) return 'busy';
    const failed = job.attempts >= MAX_FAILED_ATTEMPTS;
    logger.error('export run failed', { jobId, attempts: job.attempts, error: String(error) });
    await releaseExportJob(
      job,
      owner,
      failed ? { failed: { code: 'EXPORT_FAILED', message: 'The export could not be completed' } } : {},
    );
    return failed ? 'failed' : 'retry';
  }
};

/** How long a run that failed without finishing the job waits before the next tries again. */
export const EXPORT_RETRY_DELAY_SECONDS = 30;

const workerOutcomeOf = (outcome: ExportRunOutcome): WorkerOutcome =>
  outcome === 'retry' ? { kind: 'retry', delaySeconds: EXPORT_RETRY_DELAY_SECONDS } : { kind: outcome };

/** The export queue's worker: what functions/process-export-job runs, and the local runtime in-process. */
export const exportJobWorker: JobWorker<ExportJobMessage> = {
  pipeline: exportJobs,
  run: async ({ jobId }, remainingMs) => workerOutcomeOf(await runExportJob(jobId, { remainingMs })),
};
