import { randomUUID } from 'node:crypto';
import { getStringFromEnv } from '#kernel/config';
import type { JobWorker } from '#kernel/jobs/job-pipeline';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { type SigningPool, sharedSigningPool } from '#kernel/keys/signing-pool';
import { logger } from '#kernel/logger';
import { getProductRecord } from '#registry';
import type { Batch } from '../domain/issuance';
import {
  CODE_CHUNK_SIZE,
  getBatchById,
  listWrittenChunkIndexes,
  markBatchIssued,
  putCodeChunks,
} from '../store/batch-repository';
import {
  acquireIssuanceLease,
  finishIssuanceJob,
  getIssuanceJob,
  type IssuanceJob,
  recordIssuanceFailure,
  updateIssuanceJob,
} from '../store/issuance-job-repository';
import { type IssuanceJobMessage, issuanceJobs } from './issuance-job-dispatcher';
import { DEFAULT_LABEL_OPTIONS, type LabelOptions, writeLabelOutput } from './label-file-writer';

/**
 * One run of an issuance job: take its lease, sign and store the chunks not stored yet
 * (several in flight, signed on every core while earlier ones are written), then write the
 * label files one format at a time from the stored chunks, noting which file is being
 * written and how many of its labels. A stored chunk is never signed
 * again, so a run killed anywhere loses at most the chunks in flight, which the next run
 * signs: no code is missing and none exists twice. A run stops with time to spare and
 * hands the rest to the next (`continue`).
 */
export interface IssuanceRunOptions {
  remainingMs(): number;
  /** Stop starting work when less than this is left; default 60 s. */
  marginMs?: number;
  pool?: SigningPool;
  /** How often progress is written; every ~2 s unless told (the tests see every step with 0). */
  progressEveryMs?: number;
  /**
   * Fault injection for the crash tests: called before each chunk's write and each output,
   * and after each label-file progress write.
   */
  faults?: {
    beforeChunkWrite?(index: number): void;
    beforeOutput?(format: string): void;
    afterLabelProgress?(format: string, labelsWritten: number): void;
  };
}

const PROGRESS_EVERY_MS = 2000;
/** Runs in a row that fail without storing anything before the job is `failed`. */
export const MAX_FAILED_RUNS = 5;

const signAndStore = async (
  batch: Batch,
  job: IssuanceJob<LabelOptions>,
  owner: string,
  options: IssuanceRunOptions,
  outOfTime: () => boolean,
  progress: { made: boolean },
): Promise<boolean> => {
  const record = await getProductRecord(batch.gtin);
  if (record === undefined) throw new Error(`Product ${batch.gtin} of batch ${batch.id} is missing`);
  const key = await getActiveSigningKey();
  const pool = options.pool ?? sharedSigningPool();
  const written = await listWrittenChunkIndexes(batch.id);
  const missing = Array.from({ length: job.chunkCount }, (_, i) => i).filter((i) => !written.has(i));
  let done = written.size;
  let lastProgress = Date.now();
  let next = 0;
  // Enough chunks in flight to keep every thread busy while others are being written.
  const lanes = Math.max(2, pool.size * 3);
  let failed = false;
  const lane = async (): Promise<void> => {
    while (next < missing.length && !outOfTime() && !failed) {
      const index = missing[next++] as number;
      const first = batch.firstSequence + index * CODE_CHUNK_SIZE;
      const size = Math.min(CODE_CHUNK_SIZE, batch.count - index * CODE_CHUNK_SIZE);
      const { serials, digsigs } = await pool.issueChunk(key, batch, record.serialKey, first, size);
      options.faults?.beforeChunkWrite?.(index);
      await putCodeChunks(batch.id, [
        { index, codes: serials.map((serial, i) => ({ sequence: first + i, serial, digsig: digsigs[i] ?? '' })) },
      ]);
      done++;
      progress.made = true;
      if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        await updateIssuanceJob(batch.id, owner, { chunksDone: done });
      }
    }
  };
  // A failing lane stops the others, and the run ends only once no write is in flight, so
  // the next run (once the lease is released) never signs a chunk this one is still writing.
  const settled = await Promise.allSettled(
    Array.from({ length: lanes }, () =>
      lane().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  const rejected = settled.find((result) => result.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  const complete = done === job.chunkCount;
  await updateIssuanceJob(batch.id, owner, { chunksDone: done, ...(complete ? { state: 'writing-outputs' } : {}) });
  if (complete) await markBatchIssued(batch);
  return complete;
};

export const processIssuanceJob = async (batchId: string, options: IssuanceRunOptions): Promise<WorkerOutcome> => {
  const owner = randomUUID();
  const marginMs = options.marginMs ?? 60_000;
  const outOfTime = () => options.remainingMs() < marginMs;
  const job = await acquireIssuanceLease<LabelOptions>(batchId, owner, Date.now() + options.remainingMs());
  if (job === undefined) {
    const current = await getIssuanceJob(batchId);
    if (current === undefined) return { kind: 'gone' };
    if (current.state === 'done' || current.state === 'failed') return { kind: current.state };
    return { kind: 'busy' };
  }
  const progress = { made: false };
  try {
    const batch = await getBatchById(batchId);
    if (batch === undefined) return { kind: 'gone' };
    if (job.state === 'signing' && !(await signAndStore(batch, job, owner, options, outOfTime, progress))) {
      await updateIssuanceJob(batchId, owner, { releaseLease: true });
      return { kind: 'continue' };
    }
    const labelOptions = { ...DEFAULT_LABEL_OPTIONS, ...job.options };
    const outputs = [...job.outputs];
    const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });
    const product = (await getProductRecord(batch.gtin))?.product;
    if (product === undefined) throw new Error(`Product ${batch.gtin} of batch ${batch.id} is missing`);
    for (const format of labelOptions.formats) {
      if (outputs.some((output) => output.format === format)) continue;
      if (outOfTime()) {
        await updateIssuanceJob(batchId, owner, { releaseLease: true });
        return { kind: 'continue' };
      }
      options.faults?.beforeOutput?.(format);
      // Which file is being written and how far, so a factory watching the job sees each file
      // move rather than a finished bar; written every ~2 s like the signing progress.
      await updateIssuanceJob(batchId, owner, { writing: { format, labelsWritten: 0 } });
      let lastProgress = Date.now();
      const onProgress = async (labelsWritten: number) => {
        if (Date.now() - lastProgress < (options.progressEveryMs ?? PROGRESS_EVERY_MS)) return;
        lastProgress = Date.now();
        await updateIssuanceJob(batchId, owner, { writing: { format, labelsWritten } });
        options.faults?.afterLabelProgress?.(format, labelsWritten);
      };
      outputs.push(await writeLabelOutput(batch, product, format, labelOptions, verifyBaseUrl, onProgress));
      progress.made = true;
      if (!(await updateIssuanceJob(batchId, owner, { outputs }))) return { kind: 'superseded' };
    }
    // Done gives the factory's slot back in the same write.
    if (!(await finishIssuanceJob(job, owner))) return { kind: 'superseded' };
    return { kind: 'done' };
  } catch (error) {
    const failedRuns = await recordIssuanceFailure(job, owner, progress.made, MAX_FAILED_RUNS);
    logger.error('issuance job run failed', {
      batchId,
      failedRuns,
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    return failedRuns >= MAX_FAILED_RUNS ? { kind: 'failed' } : { kind: 'retry', delaySeconds: 5 * failedRuns };
  }
};

/** The issuance queue's worker: what functions/process-issuance-job runs, and the local runtime in-process. */
export const issuanceJobWorker: JobWorker<IssuanceJobMessage> = {
  pipeline: issuanceJobs,
  run: ({ batchId }, remainingMs) => processIssuanceJob(batchId, { remainingMs }),
};
