import { randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { ServiceUnavailableError } from '#kernel/errors';
import { logger } from '#kernel/logger';
import { requireRegisteredOrg } from '#registry';
import { createEventJob } from '../store/event-job-repository';
import { recordEventJobFailure } from '../store/event-job-runs';
import { dispatchEventJob } from './event-job-dispatcher';
/**
 * `POST /v1/events` within the Lambda timeout. Events are recorded in order, a slice at a
 * time, while the time left is above a safety margin; whatever is left when it is not
 * becomes an event job that a worker finishes the same way (see event-job-worker.ts).
 * Each slice goes through the very `ingestEvents` a small call uses, so an event gets the
 * same result whichever path records it.
 */
import { type CallInput, ingestWithinBudget, summarize, syncMarginMs } from './event-job-slices';
import type { EventResult } from './events/ingest-events';
export type RecordEventsOutcome =
  | { kind: 'complete'; results: EventResult[] }
  | { kind: 'accepted'; jobId: string; results: EventResult[]; pending: number };

/**
 * One `POST /v1/events`: complete when every event fits in the time, else the rest goes
 * to an event job. The job is created only once its input is stored, and dispatched
 * after: a job whose dispatch fails is marked failed rather than left waiting forever.
 */
export const recordEvents = async (
  principal: Principal,
  inputs: readonly CallInput[],
  remainingMs: () => number,
): Promise<RecordEventsOutcome> => {
  const run = await ingestWithinBudget(principal, inputs, 0, { remainingMs, marginMs: syncMarginMs() });
  if (run.next === inputs.length) return { kind: 'complete', results: run.results };

  // The role and organization were checked by the slices run so far, unless there were none.
  if (run.results.length === 0) await requireRegisteredOrg(principal);
  const jobId = randomUUID();
  const now = new Date();
  await createEventJob({
    id: jobId,
    orgId: principal.orgId,
    role: principal.role,
    clientId: principal.clientId,
    total: inputs.length,
    pending: inputs.slice(run.next),
    results: run.results,
    summary: summarize(run.results),
    now,
  });
  try {
    await dispatchEventJob(jobId);
  } catch (error) {
    logger.error('event job dispatch failed', { jobId, error: error instanceof Error ? error.message : String(error) });
    await recordEventJobFailure({
      id: jobId,
      error: { code: 'DISPATCH_FAILED', message: 'The job could not be queued; send the remaining events again' },
      final: true,
      now: new Date(),
    });
    throw new ServiceUnavailableError(
      'EVENT_JOB_NOT_QUEUED',
      'Some events were recorded but the rest could not be queued: send the call again (recorded events answer duplicate)',
    );
  }
  logger.info('event job accepted', { jobId, orgId: principal.orgId, total: inputs.length, pending: inputs.length - run.next });
  return { kind: 'accepted', jobId, results: run.results, pending: inputs.length - run.next };
};
