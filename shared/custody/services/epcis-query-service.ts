/**
 * GET /v1/epcis/events: one page of an EPCIS query, read from the index that serves it.
 *
 * The index is chosen so that every row read is one the caller may see: a factory or
 * distributor reads its own party rows (or, for its own GTIN, that GTIN's rows), a
 * provincial regulator its province's rows, a national one any index (a GTIN's or a lot's
 * rows for MATCH_epc/MATCH_anyEPC/MATCH_epcClass of one GTIN, a bizStep's rows for one
 * EQ_bizStep, else the time index). The other parameters filter what the index yields.
 * Because nothing unseen is ever read, a page token (a position in that order) only ever
 * names an event the caller sees, and no answer, count, error or timing depends on events
 * outside its view.
 */

import { getProductCached } from '#issuance';
import type { Principal } from '#kernel/auth/principal';
import { type CursorBinding, InvalidCursorError, openCursor, sealCursor } from '#kernel/db/cursors';
import { ForbiddenError } from '#kernel/errors';
import { getOrganization } from '#registry';
import { type EpcisQuery, matchesEpcisQuery, parseEpcisQuery } from '../domain/epcis-query';
import { canSee, type EventViewer, viewerOf } from '../domain/event-audience';
import { CLOCK_SKEW_TOLERANCE_MS } from '../domain/rules';
import { type EventIndexSource, eventsInOrder } from '../store/event-index-query-repository';

/**
 * No event is recorded before this day (TraceSeal's first records; the migration keeps
 * their record times). A query without a lower time bound starts here. EVENTS_SINCE
 * overrides it for an installation that went into service later.
 */
const eventsSince = (): string => new Date(`${process.env.EVENTS_SINCE ?? '2026-01-01'}T00:00:00.000Z`).toISOString();

/**
 * A page stops early (with a token) past any of these, so one call's cost is bounded: a
 * long quiet range costs a few pages, never one call of hundreds of queries. The query
 * budget covers a period's 8 buckets four times over.
 */
const MAX_EXAMINED_PER_PAGE = 5000;
export const MAX_QUERIES_PER_PAGE = 32;
/** Lambda answers at most 6 MB; a page stays well below it whatever its events' size. */
const MAX_PAGE_BYTES = 4_000_000;

export interface EpcisPage {
  events: Record<string, unknown>[];
  nextPageToken?: string;
}

const UNIT_EPC = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\//;

/** The one GTIN the query is about, if its EPC parameters name exactly one. */
const singleGtinOf = (query: EpcisQuery): { gtin: string; lot?: string } | undefined => {
  if (query.epcClasses !== undefined) {
    const gtins = new Set(query.epcClasses.map((c) => c.gtin));
    const lots = new Set(query.epcClasses.map((c) => c.lot));
    const [gtin] = gtins;
    const [lot] = lots;
    if (gtins.size !== 1 || gtin === undefined) return undefined;
    return lots.size === 1 && lot !== undefined ? { gtin, lot } : { gtin };
  }
  for (const epcs of [query.epcs, query.anyEpcs]) {
    if (epcs === undefined) continue;
    const gtins = new Set([...epcs].map((epc) => UNIT_EPC.exec(epc)?.[1]));
    const [gtin] = gtins;
    if (gtins.size === 1 && gtin !== undefined) return { gtin };
  }
  return undefined;
};

export const chooseIndex = async (query: EpcisQuery, viewer: EventViewer): Promise<EventIndexSource> => {
  const product = singleGtinOf(query);
  if (product !== undefined) {
    const seesAll =
      viewer.kind === 'everything' ||
      (viewer.kind === 'party' && (await getProductCached(product.gtin))?.product.ownerOrgId === viewer.orgId);
    if (seesAll) {
      return product.lot === undefined
        ? { kind: 'facet', facet: 'gtin', value: product.gtin }
        : { kind: 'facet', facet: 'lot', value: `${product.gtin}/${product.lot}` };
    }
  }
  if (viewer.kind === 'province') return { kind: 'facet', facet: 'region', value: viewer.province };
  if (viewer.kind === 'party') return { kind: 'facet', facet: 'party', value: viewer.orgId };
  const [bizStep] = query.bizSteps ?? [];
  if (query.bizSteps?.size === 1 && bizStep !== undefined) return { kind: 'facet', facet: 'bizStep', value: bizStep };
  return { kind: 'time' };
};

/** What a token is bound to: the query's filters and the caller, never the page size. */
const listingOf = (raw: Record<string, string | undefined>, principal: Principal): CursorBinding => ({
  listing: 'epcis-events',
  parameters: [
    Object.entries(raw)
      .filter(([name, value]) => name !== 'perPage' && name !== 'nextPageToken' && value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    principal.orgId,
    principal.role,
  ],
});

/** A period's end (`2026-03-01~`, `2026-03~`) or an order key (`<recordTime>#<eventId>`). */
const POSITION = /^(\d{4}-\d\d(?:-\d\d)?)(~|(T\d\d:\d\d:\d\d\.\d{3}Z)#[\x21-\x7e]{1,300})$/;

/** Only positions we write: a real day or month, a real instant (the reader builds dates from them). */
const isPosition = (position: string): boolean => {
  const match = POSITION.exec(position);
  if (match === null) return false;
  const [, period = '', , time] = match;
  const day = period.length === 7 ? `${period}-01` : period;
  const instant = `${day}${time ?? 'T00:00:00.000Z'}`;
  const parsed = new Date(instant);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === instant;
};

/** A token is only good for the query and caller it was handed to, and must be a position we write. */
const openToken = async (token: string | undefined, listing: CursorBinding): Promise<string | undefined> => {
  const position = await openCursor(token, listing);
  if (position !== undefined && !isPosition(position)) throw new InvalidCursorError();
  return position;
};

const maxIso = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);
const minIso = (a: string, b: string | undefined) => (b !== undefined && b < a ? b : a);

export const queryEpcisEvents = async (
  principal: Principal,
  raw: Record<string, string | undefined>,
  now: Date,
): Promise<EpcisPage> => {
  const query = parseEpcisQuery(raw);
  const org = await getOrganization(principal.orgId);
  if (org === undefined || org.role !== principal.role) throw new ForbiddenError();
  const viewer = viewerOf(org);
  if (viewer.kind === 'nothing') throw new ForbiddenError();
  const listing = listingOf(raw, principal);
  const after = await openToken(query.nextPageToken, listing);
  // An event is recorded at most the clock-skew allowance before its eventTime.
  const eventTimeFloor =
    query.eventTime.ge === undefined
      ? undefined
      : new Date(Date.parse(query.eventTime.ge) - CLOCK_SKEW_TOLERANCE_MS).toISOString();
  const from = maxIso(maxIso(eventsSince(), query.recordTime.ge), eventTimeFloor);
  const to = minIso(new Date(now.getTime() + 1000).toISOString(), query.recordTime.lt);
  if (from >= to) return { events: [] };
  const source = await chooseIndex(query, viewer);
  const events: Record<string, unknown>[] = [];
  let examined = 0;
  let bytes = 0;
  const budget = { remaining: MAX_QUERIES_PER_PAGE };
  for await (const step of eventsInOrder(source, { from, to }, after, { budget })) {
    if ('stop' in step) return { events, nextPageToken: await sealCursor(listing, step.stop) };
    if ('boundary' in step) continue;
    const { event } = step;
    // The index already holds only what this caller sees; this is the second lock.
    if (!canSee(viewer, event.audience)) continue;
    examined++;
    const epcis = JSON.parse(event.epcis) as Record<string, unknown>;
    if (matchesEpcisQuery(epcis, query, event.audience)) {
      events.push(epcis);
      bytes += event.epcis.length;
    }
    if (events.length >= query.perPage || examined >= MAX_EXAMINED_PER_PAGE || bytes >= MAX_PAGE_BYTES) {
      return { events, nextPageToken: await sealCursor(listing, event.orderKey) };
    }
  }
  return { events };
};
