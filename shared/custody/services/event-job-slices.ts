import type { Principal } from '#kernel/auth/principal';
import { getOptionalStringFromEnv } from '#kernel/config';
import type { EventJobSummary } from '../store/event-job-repository';
import { type DeclarationInput, type EventInput, type EventResult, ingestEvents } from './events/ingest-events';

/**
 * Recording events a slice at a time within a time budget, shared by a `POST /v1/events`
 * call and the event-job worker that finishes what the call could not: each slice goes
 * through the very `ingestEvents` a small call uses.
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
