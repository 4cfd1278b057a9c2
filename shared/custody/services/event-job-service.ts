import { randomUUID } from 'node:crypto';
import { createEventJob, type EventJobSummary } from '#shared/custody/store/event-job-repository';
import { recordEventJobFailure } from '#shared/custody/store/event-job-runs';
import type { Principal } from '#shared/kernel/auth/principal';
import { getOptionalStringFromEnv } from '#shared/kernel/config';
import { ServiceUnavailableError } from '#shared/kernel/errors';
import { logger } from '#shared/kernel/logger';
import { requireRegisteredOrg } from '../../registry/services/registry-service';
import { dispatchEventJob } from './event-job-dispatcher';
import { type DeclarationInput, type EventInput, type EventResult, ingestEvents } from './events/ingest-events';

/**
 * `POST /v1/events` within the Lambda timeout. Events are recorded in order, a slice at a
 * time, while the time left is above a safety margin; whatever is left when it is not
 * becomes an event job that a worker finishes the same way (see event-job-worker.ts).
 * Each slice goes through the very `ingestEvents` a small call uses, so an event gets the
 * same result whichever path records it.
 */
export type CallInput = EventInput | DeclarationInput;

/** A run's clock: the Lambda context's remaining time, and what to keep in reserve. */
export interface TimeBudget {
  remainingMs(): number;
  marginMs: number;
}

/**
 * Slices aim at about a second of work: short enough that the margin absorbs a slice that
 * runs long, long enough that a worker's per-slice checkpoint costs next to nothing.
 */
const TARGET_SLICE_MS = 1000;
const MAX_SLICE_EVENTS = 50;

/** Margins default to what the deployed timeouts need (29 s HTTP, minutes for the worker). */
export const DEFAULT_SYNC_MARGIN_MS = 8000;
export const DEFAULT_WORKER_MARGIN_MS = 10_000;

const marginFromEnv = (key: string, fallback: number): number => {
  const value = Number(getOptionalStringFromEnv(key) ?? fallback);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};

/** Read at each call, so an operator (or a test) can change it without a redeploy. */
export const syncMarginMs = (): number => marginFromEnv('EVENTS_SYNC_MARGIN_MS', DEFAULT_SYNC_MARGIN_MS);
export const workerMarginMs = (): number => marginFromEnv('EVENT_JOB_WORKER_MARGIN_MS', DEFAULT_WORKER_MARGIN_MS);

export const summarize = (results: readonly Pick<EventResult, 'status'>[]): EventJobSummary => ({
  recorded: results.filter((r) => r.status === 'recorded').length,
  duplicate: results.filter((r) => r.status === 'duplicate').length,
  rejected: results.filter((r) => r.status === 'rejected').length,
});

/**
 * How many events the next slice takes: one to learn their cost, then as many as fit in
 * a target slice and in the time left (zero: stop here).
 */
export const nextSliceSize = (input: { msPerEvent: number | undefined; availableMs: number; left: number }): number => {
  if (input.availableMs <= 0 || input.left <= 0) return 0;
  if (input.msPerEvent === undefined) return 1;
  const fits = Math.floor(Math.min(TARGET_SLICE_MS, input.availableMs) / Math.max(input.msPerEvent, 0.1));
  return Math.max(0, Math.min(fits, MAX_SLICE_EVENTS, input.left));
};

export interface SliceRun {
  results: EventResult[];
  /** Absolute index of the first event not done. */
  next: number;
}

/**
 * Records `inputs` (the events from absolute index `firstIndex` on) slice by slice while
 * the budget allows. `onSlice` sees each slice's results (indexes absolute) before the
 * next starts; returning false stops the run (a worker that lost its lease).
 */
export const ingestWithinBudget = async (
  principal: Principal,
  inputs: readonly CallInput[],
  firstIndex: number,
  budget: TimeBudget,
  onSlice?: (results: EventResult[], next: number) => Promise<boolean>,
): Promise<SliceRun> => {
  const results: EventResult[] = [];
  let done = 0;
  let msPerEvent: number | undefined;
  while (done < inputs.length) {
    const size = nextSliceSize({ msPerEvent, availableMs: budget.remainingMs() - budget.marginMs, left: inputs.length - done });
    if (size === 0) break;
    const started = performance.now();
    const slice = await ingestEvents(principal, inputs.slice(done, done + size));
    // The slowest recent slice sets the pace: a cheap one must not talk the run into a
    // slice of expensive events it cannot finish.
    const perEvent = (performance.now() - started) / size;
    msPerEvent = msPerEvent === undefined ? perEvent : Math.max(perEvent, (msPerEvent + perEvent) / 2);
    const rebased = slice.map((result) => ({ ...result, index: firstIndex + done + result.index }));
    done += size;
    if (onSlice !== undefined && !(await onSlice(rebased, firstIndex + done))) {
      return { results, next: firstIndex + done - size };
    }
    results.push(...rebased);
  }
  return { results, next: firstIndex + done };
};

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
