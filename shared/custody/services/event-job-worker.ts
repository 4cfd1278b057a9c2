import { randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { AppError } from '#kernel/errors';
import type { JobWorker } from '#kernel/jobs/job-pipeline';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { logger } from '#kernel/logger';
import { loadEventJobInputs } from '../store/event-job-chunks';
import { type EventJob, getEventJob } from '../store/event-job-repository';
import {
  acquireEventJobLease,
  commitEventJobProgress,
  recordEventJobFailure,
  releaseEventJobLease,
} from '../store/event-job-runs';
import { type EventJobMessage, eventJobs } from './event-job-dispatcher';
import { type CallInput, ingestWithinBudget, summarize, workerMarginMs } from './event-job-slices';

/**
 * One worker run on an event job: take the job's lease until this run's deadline, record
 * its events from where it stands, a slice at a time, storing each slice's results with
 * the new position in one conditional write, and stop while time is left. Another run
 * continues from the stored position, so a run that dies loses at most its current slice,
 * whose events then answer `duplicate` (events have deterministic ids): none is applied
 * twice. The lease keeps two runs (a queue delivering twice) off the same job.
 */
export const MAX_FAILED_RUNS = 3;
const RETRY_DELAY_SECONDS = 30;

/** Records the job's events from where it stands, a slice at a time, each slice committed with the new position. */
const runSlices = async (
  job: EventJob,
  owner: string,
  principal: Principal,
  remainingMs: () => number,
): Promise<{ next: number; superseded: boolean }> => {
  const inputs = await loadEventJobInputs<CallInput>(job.id, job.nextIndex);
  if (inputs.values.length !== job.total - job.nextIndex) throw new Error(`Event job ${job.id} input is incomplete`);
  let superseded = false;
  const run = await ingestWithinBudget(
    principal,
    inputs.values,
    job.nextIndex,
    { remainingMs, marginMs: workerMarginMs() },
    async (results, next) => {
      const committed = await commitEventJobProgress({
        id: job.id,
        owner,
        expectedNext: next - results.length,
        results,
        delta: summarize(results),
        finished: next === job.total,
        now: new Date(),
      });
      superseded = !committed;
      return committed;
    },
  );
  return { next: run.next, superseded };
};

export const processEventJob = async (jobId: string, remainingMs: () => number): Promise<WorkerOutcome> => {
  const owner = randomUUID();
  const job = await acquireEventJobLease(jobId, owner, Date.now() + remainingMs());
  if (job === undefined) {
    const current = await getEventJob(jobId);
    if (current === undefined) return { kind: 'gone' };
    return current.status === 'running' ? { kind: 'busy' } : { kind: current.status };
  }
  const principal: Principal = { orgId: job.orgId, role: job.role, clientId: job.clientId };
  try {
    const { next, superseded } = await runSlices(job, owner, principal, remainingMs);
    if (superseded) {
      logger.warn('event job run lost its lease', { jobId, next });
      return { kind: 'superseded' };
    }
    if (next === job.total) {
      // A job whose events were all done by an earlier run that died before finishing it.
      if (job.nextIndex === job.total) {
        await commitEventJobProgress({
          id: jobId,
          owner,
          expectedNext: job.total,
          results: [],
          delta: summarize([]),
          finished: true,
          now: new Date(),
        });
      }
      logger.info('event job done', { jobId, total: job.total });
      return { kind: 'done' };
    }
    await releaseEventJobLease(jobId, owner);
    if (next === job.nextIndex) {
      // Not even one slice fit: a margin as long as the timeout. Retrying at once would spin.
      logger.warn('event job run had no time for a slice', { jobId, marginMs: workerMarginMs() });
      return { kind: 'retry', delaySeconds: RETRY_DELAY_SECONDS };
    }
    return { kind: 'continue' };
  } catch (error) {
    return fail(jobId, owner, job.failedAttempts + 1, error);
  }
};

/**
 * A refusal the caller may see (its organization was deregistered, say) ends the job with
 * that error. Anything else is our bug or an outage: tried again later, a few times, then
 * the job ends as failed with a message that reveals nothing.
 */
const fail = async (jobId: string, owner: string, attempt: number, error: unknown): Promise<WorkerOutcome> => {
  const exposed = error instanceof AppError && error.expose;
  const final = exposed || attempt >= MAX_FAILED_RUNS;
  logger.error('event job run failed', {
    jobId,
    attempt,
    final,
    error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
  });
  await recordEventJobFailure({
    id: jobId,
    owner,
    error: exposed ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: 'Internal server error' },
    final,
    now: new Date(),
  });
  return final ? { kind: 'failed' } : { kind: 'retry', delaySeconds: RETRY_DELAY_SECONDS * attempt };
};

/** The event-jobs queue's worker: what functions/process-event-job runs, and the local runtime in-process. */
export const eventJobWorker: JobWorker<EventJobMessage> = {
  pipeline: eventJobs,
  run: ({ jobId }, remainingMs) => processEventJob(jobId, remainingMs),
};
