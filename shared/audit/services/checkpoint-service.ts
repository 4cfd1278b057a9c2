import { randomUUID } from 'node:crypto';
import { eventsRecordedBetween, putEventIndexRows } from '#custody';
import { getOptionalStringFromEnv } from '#kernel/config';
import { ConflictError } from '#kernel/errors';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { compareLogOrder, eventLeafHash, type LogEvent, logEntryId, SETTLE_MARGIN_MS, type TreeHead } from '../domain/audit-log';
import { countEventsRecordedBetween } from '../store/event-time-count';
import { witnessHead } from '../store/head-witness';
import {
  type AppendEntry,
  acquireLogLease,
  appendedEventIds,
  appendLeaves,
  LogBusyError,
  type LogState,
  latestHead,
  MAX_APPEND_BATCH,
  putHead,
  releaseLogLease,
  type StoredHead,
} from '../store/merkle-log-repository';
import { extendsBaseline, refuseInconsistentLog, witnessBaseline } from './log-witness';
import { signTreeHead } from './tree-head-jws';

export { SETTLE_MARGIN_MS };
/** Longer than the checkpoint function's timeout, so a crashed run's lease lapses by the next. */
export const LEASE_MS = 6 * 60 * 1000;
/** Per run; the next run (hourly, or on demand) continues where this one stopped. */
export const MAX_EVENTS_PER_RUN = 200_000;
/** A head with nothing new since is signed again only once it is this old (liveness of the log). */
export const HEAD_REFRESH_MS = 55 * 60 * 1000;

export type SourceEvent = LogEvent;
/** Events recorded after `after` (exclusive, in log order) and no later than `until`, in log order. */
export type EventSource = (window: { after?: LogState['last']; until: Date }) => AsyncIterable<SourceEvent>;

/**
 * Where an empty log starts reading: no TraceSeal event is older. The time index is read day
 * by day, so the first run costs a query per bucket of every day since; AUDIT_LOG_START (an
 * ISO instant) moves it, e.g. to a deployment's first day.
 */
export const DEFAULT_LOG_START = '2026-01-01T00:00:00.000Z';
const logStart = (): Date => {
  const configured = getOptionalStringFromEnv('AUDIT_LOG_START');
  const start = new Date(configured ?? DEFAULT_LOG_START);
  if (Number.isNaN(start.getTime())) throw new Error('AUDIT_LOG_START is not an ISO instant');
  return start;
};

/** The default feed: the event index's time listing (every custody event, recall and declaration), repairing as it reads. */
export const recordedEventSource: EventSource = async function* ({ after, until }) {
  // The listing is by half-open [from, to): one millisecond past `until` includes it.
  const from = after === undefined ? logStart() : new Date(after.recordTime);
  for await (const event of eventsRecordedBetween(from, new Date(until.getTime() + 1))) {
    // Facet rows a call could not finish (it died between its commit and its rows) are written
    // as the event settles into the log, so none stays `pending` past the next checkpoint.
    if (event.rowsPending) await putEventIndexRows(event);
    yield { eventId: event.eventId, recordTime: event.recordTime, epcis: event.epcis, kind: event.source };
  }
};

/**
 * Events recorded before the run was asked for that its head cannot cover yet: they are
 * younger than the settle margin. A run started after `coveredAfter` appends them.
 */
export interface Settling {
  count: number;
  /** Absent when nothing is settling. */
  coveredAfter?: string;
}

export interface CheckpointResult {
  appended: number;
  head: StoredHead;
  settling: Settling;
  /** The run stopped at its event limit: more settled events wait for the next run. */
  more: boolean;
}

const isAfter = (event: SourceEvent, last: LogState['last']): boolean =>
  last === undefined || compareLogOrder(event, { recordTime: last.recordTime, eventId: last.eventId }) > 0;

/**
 * Appends the settled events the source yields past the log's end, in batches of
 * MAX_APPEND_BATCH, each leaf once (an entry already in the log is skipped), until the
 * source ends or `limit` events are appended. Holds the lease `owner` names.
 */
const appendSettled = async (
  owner: string,
  start: LogState,
  source: EventSource,
  until: Date,
  limit: number,
): Promise<{ state: LogState; appended: number; stoppedAtLimit: boolean }> => {
  let state = start;
  let appended = 0;
  let batch: SourceEvent[] = [];
  const flush = async () => {
    const known = await appendedEventIds(batch.map(logEntryId));
    const entries: AppendEntry[] = batch
      .filter((event) => !known.has(logEntryId(event)))
      .map((event) => ({ eventId: logEntryId(event), recordTime: event.recordTime, leafHash: eventLeafHash(event.epcis) }));
    state = await appendLeaves(owner, state, entries);
    appended += entries.length;
    batch = [];
  };
  let previous = state.last;
  let stoppedAtLimit = false;
  for await (const event of source({ after: state.last, until })) {
    if (event.recordTime > until.toISOString() || !isAfter(event, state.last)) continue;
    const entry = { recordTime: event.recordTime, eventId: logEntryId(event) };
    if (previous !== undefined && compareLogOrder(entry, previous) <= 0) {
      throw new Error('checkpoint source: events out of log order');
    }
    previous = entry;
    batch.push(event);
    if (batch.length === MAX_APPEND_BATCH) await flush();
    if (appended + batch.length >= limit) {
      stoppedAtLimit = true;
      break;
    }
  }
  if (batch.length > 0) await flush();
  return { state, appended, stoppedAtLimit };
};

/**
 * Appends every settled event the source yields past the log's end, then signs a head over
 * the whole log. Single-writer: a run that finds the lease taken fails with LogBusyError.
 *
 * The log cursor stores the last entry's id in `eventId` (a declaration's carries its
 * "#declaration" suffix), and compareLogOrder on `{ eventId: entryId }` orders the same way.
 */
export const appendAndCheckpoint = async (input: {
  source: EventSource;
  now?: Date;
  maxEvents?: number;
}): Promise<CheckpointResult> => {
  const now = input.now ?? new Date();
  const owner = randomUUID();
  const leased = await takeLease(owner, now);
  try {
    const until = new Date(now.getTime() - SETTLE_MARGIN_MS);
    const { state, appended, stoppedAtLimit } = await appendSettled(
      owner,
      leased,
      input.source,
      until,
      input.maxEvents ?? MAX_EVENTS_PER_RUN,
    );
    // Every run, signing or not, proves the log still extends its last published head: a
    // rewrite is refused (409 LOG_INCONSISTENT, an alarm) the first time anyone asks.
    const baseline = await witnessBaseline();
    const extension = await extendsBaseline(baseline, state.size);
    if (!extension.ok) return refuseInconsistentLog(baseline, state.size, extension.reason, now);
    // Said rather than left out silently: a caller who checkpoints right after recording
    // events learns how many the head does not cover yet and when a new run will.
    const settling = await settlingBetween(until, now);
    // Nothing new and a recent head of this size: that head still says everything, so a caller
    // repeating POST /v1/audit/checkpoints gets it back instead of filling the table with heads
    // kept forever. The hourly run still signs a fresh one once the last is an hour old.
    const latest = await latestHead();
    if (
      appended === 0 &&
      latest !== undefined &&
      latest.treeSize === state.size &&
      now.getTime() - Date.parse(latest.timestamp) < HEAD_REFRESH_MS
    ) {
      return { appended, head: latest, settling, more: false };
    }
    // A run cut short by its limit has appended everything before its last event, no more.
    const recordedBefore = stoppedAtLimit && state.last !== undefined ? state.last.recordTime : until.toISOString();
    const head = await signHead({ treeSize: state.size, rootHash: extension.rootHash, recordedBefore }, now);
    return { appended, head, settling, more: stoppedAtLimit };
  } finally {
    await releaseLogLease(owner);
  }
};

const settlingBetween = async (until: Date, now: Date): Promise<Settling> => {
  const { count, newest } = await countEventsRecordedBetween(until.toISOString(), now.toISOString());
  // A run appends events recorded at or before its `now` minus the margin.
  return newest === undefined
    ? { count }
    : { count, coveredAfter: new Date(Date.parse(newest) + SETTLE_MARGIN_MS).toISOString() };
};

const takeLease = async (owner: string, now: Date): Promise<LogState> => {
  try {
    return await acquireLogLease(owner, now.getTime(), LEASE_MS);
  } catch (error) {
    if (error instanceof LogBusyError)
      throw new ConflictError('CHECKPOINT_RUNNING', 'A checkpoint is running: try again shortly');
    throw error;
  }
};

/**
 * Called with the lease held, so `previousTreeSize` is the head signed just before, and
 * with a root already proven to extend the newest witnessed head. The head is published to
 * the witness before the table, so every head the table shows was witnessed first.
 */
const signHead = async (tree: { treeSize: number; rootHash: string; recordedBefore: string }, now: Date): Promise<StoredHead> => {
  const [previous, key] = await Promise.all([latestHead(), getActiveSigningKey()]);
  const head: TreeHead = { ...tree, timestamp: now.toISOString(), previousTreeSize: previous?.treeSize ?? 0 };
  const stored = { ...head, jws: await signTreeHead(head, key) };
  await witnessHead({ treeSize: head.treeSize, timestamp: head.timestamp, signedHead: stored.jws });
  await putHead(stored);
  return stored;
};
