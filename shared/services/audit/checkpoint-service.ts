import { randomUUID } from 'node:crypto';
import { getOptionalStringFromEnv } from '#shared/config';
import { compareLogOrder, eventLeafHash, type LogEvent, logEntryId, type TreeHead } from '#shared/domain/audit-log';
import { chunkedRangeHasher } from '#shared/domain/merkle-chunks';
import { ConflictError } from '#shared/errors';
import { getActiveSigningKey } from '#shared/keys/signing-key-provider';
import { eventsRecordedBetween } from '#shared/store/event-index-reader';
import { putEventIndexRows } from '#shared/store/event-index-repository';
import {
  type AppendEntry,
  acquireLogLease,
  appendedEventIds,
  appendLeaves,
  LogBusyError,
  type LogState,
  latestHead,
  loadTree,
  MAX_APPEND_BATCH,
  putHead,
  releaseLogLease,
  type StoredHead,
} from '#shared/store/merkle-log-repository';
import { signTreeHead } from './tree-head-jws';

/**
 * Only events recorded at least this long ago are appended. An event's recordTime is taken
 * before its transaction commits, so a listing at time t may not yet see an event stamped
 * just before t; were it skipped, the log's cursor would already be past it and it would
 * never be appended. Every path that records events (API calls bounded by API Gateway's 29 s,
 * the event-job worker's Lambda timeout) commits well within two minutes of stamping.
 */
export const SETTLE_MARGIN_MS = 2 * 60 * 1000;
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

export interface CheckpointResult {
  appended: number;
  head: StoredHead;
}

const isAfter = (event: SourceEvent, last: LogState['last']): boolean =>
  last === undefined || compareLogOrder(event, { recordTime: last.recordTime, eventId: last.eventId }) > 0;

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
  let state = await takeLease(owner, now);
  try {
    const until = new Date(now.getTime() - SETTLE_MARGIN_MS);
    const limit = input.maxEvents ?? MAX_EVENTS_PER_RUN;
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
    for await (const event of input.source({ after: state.last, until })) {
      if (event.recordTime > until.toISOString() || !isAfter(event, state.last)) continue;
      const entry = { recordTime: event.recordTime, eventId: logEntryId(event) };
      if (previous !== undefined && compareLogOrder(entry, previous) <= 0) {
        throw new Error('checkpoint source: events out of log order');
      }
      previous = entry;
      batch.push(event);
      if (batch.length === MAX_APPEND_BATCH) await flush();
      if (appended + batch.length >= limit) break;
    }
    if (batch.length > 0) await flush();
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
      return { appended, head: latest };
    }
    const head = await signHead(state.size, now);
    return { appended, head };
  } finally {
    await releaseLogLease(owner);
  }
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

/** Called with the lease held, so `previousTreeSize` is the head signed just before. */
const signHead = async (treeSize: number, now: Date): Promise<StoredHead> => {
  const [tree, previous, key] = await Promise.all([loadTree(treeSize), latestHead(), getActiveSigningKey()]);
  const head: TreeHead = {
    treeSize,
    rootHash: chunkedRangeHasher(tree)(0, treeSize).toString('hex'),
    timestamp: now.toISOString(),
    previousTreeSize: previous?.treeSize ?? 0,
  };
  const stored = { ...head, jws: await signTreeHead(head, key) };
  await putHead(stored);
  return stored;
};
