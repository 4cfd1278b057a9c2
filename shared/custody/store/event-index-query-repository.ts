/**
 * Reading events in (recordTime, eventId) order from the time index or a facet's rows, never
 * by a Scan; over 300 lines because the partition reader, the merge and the query budget are
 * one read's parts that share its positions. Each period (day or month) is split into hash
 * buckets queried side by side and merged by order key, and the periods follow one another,
 * so the range comes out in one order. A position is an order key: reading resumes strictly
 * after it, whatever bucket it came from.
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import {
  EVENT_FACETS,
  EVENT_TIME_BUCKETS,
  type EventFacet,
  eventFacetPartition,
  eventSourceKey,
  eventTimePartition,
} from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import type { EventAudience } from '../domain/event-audience';
import { audienceOfItem, type EventSourceKind } from './event-index-repository';

export type EventIndexSource = { kind: 'time' } | { kind: 'facet'; facet: EventFacet; value: string };

export interface IndexedEvent {
  eventId: string;
  recordTime: string;
  /** `<recordTime>#<eventId>`: the order, and what a position is. */
  orderKey: string;
  source: EventSourceKind;
  epcis: string;
  audience: EventAudience;
  /** Its facet rows are not confirmed written yet (see event-index-repository.ts). */
  rowsPending: boolean;
  /** The hash its custody chains link, and the subjects it extends (audit exports carry both). */
  eventHash?: string;
  subjectIds: string[];
  /** Each subject's link (the hash of its previous event), in subjectIds' order; absent on events recorded before links were kept on the event. */
  previousEventHashes?: string[];
}

/**
 * An event; or the end of a period: an order key past everything in it, where reading may
 * resume; or the end of a budgeted read: everything up to `stop` was yielded, and reading
 * resumes strictly after it.
 */
export type EventScanStep = { event: IndexedEvent } | { boundary: string } | { stop: string };

/**
 * How many index queries a paged read may still send; each query takes one. When the next
 * query would overdraw it, the read ends with a `stop` step instead of sending it.
 */
export interface QueryBudget {
  remaining: number;
}

/** Thrown inside the read, where a reader would overdraw its budget; never leaves eventsInOrder. */
class BudgetSpent extends Error {}

const PAGE = 100;
/** Periods whose first pages are read ahead of the one being merged. */
const LOOKAHEAD = 4;

const periodsBetween = (period: 'day' | 'month', from: string, lastIncluded: string): string[] => {
  const width = period === 'day' ? 10 : 7;
  // `from` may be a month's end (`2026-03~`) read by day, after the caller's view moved to another index: that month's first day.
  const day = period === 'day' && from[7] === '-' ? from.slice(0, 10) : `${from.slice(0, 7)}-01`;
  const cursor = new Date(`${day}T00:00:00.000Z`);
  const last = lastIncluded.slice(0, width);
  const periods: string[] = [];
  for (let p = cursor.toISOString().slice(0, width); p <= last; p = cursor.toISOString().slice(0, width)) {
    periods.push(p);
    if (period === 'day') cursor.setUTCDate(cursor.getUTCDate() + 1);
    else cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return periods;
};

type QueryPage = Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey'>;

/**
 * One partition's items in order, a page at a time, between `low` and `high` (both order
 * keys). Reading ahead, the next page is asked for as soon as a page arrives, so a long read
 * (an export of a million events) waits for DynamoDB once per page of all buckets, not once
 * per page of each. A paged query does not read ahead: it stops after one page of answers,
 * and pages it never uses would multiply what each request costs.
 */
class PartitionReader {
  private items: Record<string, unknown>[] = [];
  private index = 0;
  private startKey: Record<string, unknown> | undefined;
  private next: Promise<QueryPage> | undefined;
  private loading: Promise<void> | undefined;
  private done = false;

  public constructor(
    private readonly indexName: string | undefined,
    private readonly keys: { pk: string; sk: string },
    private readonly partition: string,
    private readonly low: string,
    private readonly high: string,
    private readonly readAhead: boolean,
    private readonly budget: QueryBudget | undefined,
  ) {}

  // One page per call, not queryAll: pages are spent from a budget, read ahead and dropped when the caller stops.
  private fetch(startKey: Record<string, unknown> | undefined): Promise<QueryPage> {
    if (this.budget !== undefined) {
      if (this.budget.remaining <= 0) throw new BudgetSpent();
      this.budget.remaining--;
    }
    const page = documentClient.send(
      new QueryCommand({
        TableName: mainTableName(),
        ...(this.indexName === undefined ? {} : { IndexName: this.indexName }),
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': this.keys.pk, '#sk': this.keys.sk },
        ExpressionAttributeValues: { ':pk': this.partition, ':low': this.low, ':high': this.high },
        Limit: PAGE,
        ExclusiveStartKey: startKey,
      }),
    );
    // A prefetched page nobody reads (the caller stopped early) must not become an unhandled rejection.
    page.catch(() => undefined);
    return page;
  }

  public async head(): Promise<Record<string, unknown> | undefined> {
    while (this.index >= this.items.length && !this.done) {
      // Callers that ask at once (a lookahead, then the merge) share one page, never two.
      this.loading ??= this.load();
      await this.loading;
    }
    return this.items[this.index];
  }

  private async load(): Promise<void> {
    try {
      const page = await (this.next ?? this.fetch(this.startKey));
      this.items = page.Items ?? [];
      this.index = 0;
      this.done = page.LastEvaluatedKey === undefined;
      this.startKey = page.LastEvaluatedKey;
      this.next = this.done || !this.readAhead ? undefined : this.fetch(this.startKey);
    } finally {
      this.loading = undefined;
    }
  }

  public advance(): void {
    this.index++;
  }
}

/** The buckets' items merged by order key, skipping the position itself; `merged.last` is the last one yielded. */
async function* mergeBuckets(readers: PartitionReader[], sortKey: string, after: string | undefined, merged: { last?: string }) {
  const heads = await Promise.all(readers.map((r) => r.head()));
  for (;;) {
    let best = -1;
    for (const [i, head] of heads.entries()) {
      if (head === undefined) continue;
      const chosen = heads[best];
      if (chosen === undefined || String(head[sortKey]) < String(chosen[sortKey])) best = i;
    }
    const reader = readers[best];
    const item = heads[best];
    if (reader === undefined || item === undefined) return;
    reader.advance();
    heads[best] = await reader.head();
    if (String(item[sortKey]) !== after) {
      merged.last = String(item[sortKey]);
      yield item;
    }
  }
}

const toIndexed = (item: Record<string, unknown>): IndexedEvent => {
  const eventId = String(item.eventId);
  const recordTime = String(item.recordTime);
  return {
    eventId,
    recordTime,
    orderKey: `${recordTime}#${eventId}`,
    source: item.sk === 'DECLARATION' ? 'declaration' : 'event',
    epcis: String(item.epcis),
    audience: audienceOfItem(item),
    rowsPending: item.indexRows !== undefined,
    ...(typeof item.eventHash === 'string' ? { eventHash: item.eventHash } : {}),
    subjectIds: Array.isArray(item.subjectIds) ? item.subjectIds.map(String) : [],
    ...(Array.isArray(item.previousEventHashes) ? { previousEventHashes: item.previousEventHashes.map(String) } : {}),
  };
};

/** Facet rows point at their event; read the events of up to PAGE rows at once, kept in row order. */
async function* withEvents(rows: AsyncGenerator<Record<string, unknown>>): AsyncGenerator<IndexedEvent> {
  let chunk: Record<string, unknown>[] = [];
  const flush = async function* () {
    const keys = chunk.map((row) => eventSourceKey(String(row.eventId), row.source === 'declaration' ? 'declaration' : 'event'));
    const found = new Map((await batchGetAll(keys)).map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
    for (const key of keys) {
      const item = found.get(`${key.pk}|${key.sk}`);
      if (item !== undefined) yield toIndexed(item);
    }
    chunk = [];
  };
  try {
    for await (const row of rows) {
      chunk.push(row);
      if (chunk.length >= PAGE) yield* flush();
    }
  } catch (error) {
    // The budget ran out: the rows merged so far are still answered, so a read resumes after the last one.
    if (error instanceof BudgetSpent && chunk.length > 0) yield* flush();
    throw error;
  }
  if (chunk.length > 0) yield* flush();
}

/** How a read pages: the bounds every partition query shares, its read-ahead and its budget. */
interface ReadBounds {
  low: string;
  high: string;
  readAhead: boolean;
  budget: QueryBudget | undefined;
}

/** One reader per hash bucket of `period`: the time index's partitions, or a facet's rows in the table. */
const readersOf = (source: EventIndexSource, buckets: number, period: string, bounds: ReadBounds): PartitionReader[] =>
  Array.from({ length: buckets }, (_, bucket) =>
    source.kind === 'time'
      ? new PartitionReader(
          INDEXES.byRecordTime,
          { pk: 'gsi3pk', sk: 'gsi3sk' },
          eventTimePartition(period, bucket),
          bounds.low,
          bounds.high,
          bounds.readAhead,
          bounds.budget,
        )
      : new PartitionReader(
          undefined,
          { pk: 'pk', sk: 'sk' },
          eventFacetPartition(source.facet, source.value, period, bucket),
          bounds.low,
          bounds.high,
          bounds.readAhead,
          bounds.budget,
        ),
  );

/** One period's events, its buckets merged: time index items are the events, facet rows point at them. */
const eventsOfPeriod = (
  source: EventIndexSource,
  buckets: PartitionReader[],
  after: string | undefined,
  merging: { last?: string },
): AsyncGenerator<IndexedEvent> => {
  const merged = mergeBuckets(buckets, source.kind === 'time' ? 'gsi3sk' : 'sk', after, merging);
  return source.kind === 'time'
    ? (async function* () {
        for await (const item of merged) yield toIndexed(item);
      })()
    : withEvents(merged);
};

/**
 * Events with from ≤ recordTime < to (ISO instants of the same form as recordTime), in
 * order, strictly after `after` when given, with a boundary step at the end of each period.
 */
export async function* eventsInOrder(
  source: EventIndexSource,
  range: { from: string; to: string },
  after?: string,
  options: {
    /** Long reads (exports, checkpoints) only: see PartitionReader. */
    readAhead?: boolean;
    /** A paged read's bound on its work; it must cover a period's buckets. */
    budget?: QueryBudget;
  } = {},
): AsyncGenerator<EventScanStep> {
  const { budget } = options;
  const readAhead = options.readAhead === true;
  const low = after !== undefined && after > range.from ? after : range.from;
  const lastIncluded = new Date(new Date(range.to).getTime() - 1).toISOString();
  if (low > range.to) return;
  const layout = source.kind === 'time' ? { period: 'day' as const, buckets: EVENT_TIME_BUCKETS } : EVENT_FACETS[source.facet];
  const bounds: ReadBounds = { low, high: range.to, readAhead, budget };
  // Reading ahead, the next periods' first pages are asked for while this one is read: a
  // range of many quiet days (the first checkpoint reads from the log's start) then costs a few
  // round trips per LOOKAHEAD days instead of one per day. A failed early page is asked again.
  // A read resuming at a period's end starts with the next period, not with an empty query of that one.
  const periods = periodsBetween(layout.period, low, lastIncluded).filter((period) => `${period}~` > low);
  if (budget !== undefined && budget.remaining < layout.buckets) throw new Error('A query budget must cover one period');
  /** Everything up to here was yielded. */
  let position = after;
  const ready: { period: string; readers: PartitionReader[] }[] = [];
  for (let next = 0; next < periods.length; ) {
    if (budget !== undefined && budget.remaining < layout.buckets && position !== undefined) {
      yield { stop: position };
      return;
    }
    while (ready.length < (readAhead ? LOOKAHEAD : 1) && next + ready.length < periods.length) {
      const period = periods[next + ready.length] ?? '';
      const readers = readersOf(source, layout.buckets, period, bounds);
      if (readAhead) for (const reader of readers) reader.head().catch(() => undefined);
      ready.push({ period, readers });
    }
    const { period, readers: buckets } = ready.shift() ?? { period: '', readers: [] };
    next++;
    const merging: { last?: string } = {};
    try {
      for await (const event of eventsOfPeriod(source, buckets, after, merging)) {
        position = event.orderKey;
        yield { event };
      }
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      // Every row merged was answered (withEvents flushes them), so reading resumes after the last.
      const stop = merging.last ?? position;
      if (stop === undefined) throw new Error('A query budget must cover one period');
      yield { stop };
      return;
    }
    // '~' sorts after every order key of the period and before the next period's.
    position = `${period}~`;
    yield { boundary: position };
  }
}

/** The checkpointer's feed: every event, recall and declaration recorded in [from, to), in order. */
export async function* eventsRecordedBetween(
  from: Date,
  to: Date,
): AsyncGenerator<Pick<IndexedEvent, 'eventId' | 'recordTime' | 'epcis' | 'source' | 'audience' | 'rowsPending'>> {
  const range = { from: from.toISOString(), to: to.toISOString() };
  for await (const step of eventsInOrder({ kind: 'time' }, range, undefined, { readAhead: true })) {
    if ('event' in step) {
      const { eventId, recordTime, epcis, source, audience, rowsPending } = step.event;
      yield { eventId, recordTime, epcis, source, audience, rowsPending };
    }
  }
}

/** Stored events by log entry id (`<eventId>` or `<eventId>#declaration`); missing ones are left out. */
export const eventsByEntryId = async (entryIds: readonly string[]): Promise<Map<string, IndexedEvent>> => {
  const keyOf = (id: string) =>
    id.endsWith('#declaration')
      ? eventSourceKey(id.slice(0, -'#declaration'.length), 'declaration')
      : eventSourceKey(id, 'event');
  const items = entryIds.length === 0 ? [] : await batchGetAll(entryIds.map(keyOf));
  const found = new Map<string, IndexedEvent>();
  for (const item of items) {
    const event = toIndexed(item);
    found.set(event.source === 'declaration' ? `${event.eventId}#declaration` : event.eventId, event);
  }
  return found;
};
