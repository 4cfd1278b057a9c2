import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { eventKey } from '#kernel/db/item-keys';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { commitDeclaration, putStandaloneEvent } from '#shared/custody/store/custody-repository';
import {
  type EventIndexSource,
  type EventScanStep,
  eventsByEntryId,
  eventsInOrder,
} from '#shared/custody/store/event-index-query-repository';
import { putEventIndexRows } from '#shared/custody/store/event-index-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * Reading a facet partition longer than one query page, against DynamoDB Local: every event
 * once and in order with or without read-ahead, a budgeted read stopping where it can resume
 * with nothing lost or repeated, rows whose event is missing skipped, and entries looked up
 * by id. One party's month is one partition, so 150 events there take two pages.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => vi.restoreAllMocks());

const PARTY = `org-${randomUUID()}`;
const audience = { parties: [PARTY], provinces: ['CN-AH'], gtins: [], lots: [], bizStep: 'shipping' };
const party: EventIndexSource = { kind: 'facet', facet: 'party', value: PARTY };
const MARCH = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
const COUNT = 150;
/** A row in the party's partition whose event was never written: read past, never answered. */
const ORPHAN = 'orphan-event';

const recordTimeOf = (i: number) => new Date(Date.UTC(2026, 2, 1 + (i % 28), 0, 0, i)).toISOString();
const ids = Array.from({ length: COUNT }, (_, i) => `evt-${String(i).padStart(3, '0')}`);
const orderKeys = ids.map((id, i) => `${recordTimeOf(i)}#${id}`).sort();

beforeAll(async () => {
  for (const [i, eventId] of ids.entries()) {
    const recordTime = recordTimeOf(i);
    await putStandaloneEvent({
      eventId,
      bizStep: 'shipping',
      actorOrgId: PARTY,
      epcisJson: JSON.stringify({ type: 'ObjectEvent', eventID: eventId, recordTime }),
      eventHash: `hash-${i}`,
      idAlgorithm: 'test',
      recordTime,
      audience,
    });
    await putEventIndexRows({ eventId, recordTime, source: 'event', audience });
  }
  await putEventIndexRows({ eventId: ORPHAN, recordTime: '2026-03-15T12:00:00.000Z', source: 'event', audience });
});

const collect = async (steps: AsyncIterable<EventScanStep>) => {
  const out: EventScanStep[] = [];
  for await (const step of steps) out.push(step);
  return out;
};
const keysOf = (steps: EventScanStep[]) => steps.flatMap((s) => ('event' in s ? [s.event.orderKey] : []));

describe('a facet partition longer than a page', () => {
  it.each([false, true])('yields every event once, in order, then the month’s end (read-ahead %s)', async (readAhead) => {
    const steps = await collect(eventsInOrder(party, MARCH, undefined, { readAhead }));
    expect(keysOf(steps)).toEqual(orderKeys);
    expect(steps.at(-1)).toEqual({ boundary: '2026-03~' });
    const first = steps.find((s) => 'event' in s);
    expect(first !== undefined && 'event' in first ? first.event : undefined).toMatchObject({
      source: 'event',
      audience,
      rowsPending: false,
      eventHash: expect.stringMatching(/^hash-/),
      subjectIds: [],
    });
  });

  it('stops a budgeted read where the next page would overdraw it, and resumes there with nothing lost or repeated', async () => {
    const budget = { remaining: 1 };
    const first = await collect(eventsInOrder(party, MARCH, undefined, { budget }));
    const stop = first.at(-1);
    expect(stop).toEqual({ stop: expect.any(String) });
    const read = keysOf(first);
    // The rows merged before the budget ran out are all answered.
    expect(read.length).toBeGreaterThan(90);
    expect(read).toEqual(orderKeys.slice(0, read.length));
    expect(stop !== undefined && 'stop' in stop ? stop.stop : undefined).toBe(read.at(-1));
    const rest = await collect(eventsInOrder(party, MARCH, read.at(-1), { budget: { remaining: 5 } }));
    expect([...read, ...keysOf(rest)]).toEqual(orderKeys);
  });

  it('refuses a budget too small for one period, and passes on a read that fails', async () => {
    await expect(collect(eventsInOrder({ kind: 'time' }, MARCH, undefined, { budget: { remaining: 3 } }))).rejects.toThrow(
      /must cover one period/,
    );
    vi.spyOn(documentClient, 'send').mockRejectedValue(Object.assign(new Error('unavailable'), { name: 'InternalServerError' }));
    await expect(collect(eventsInOrder(party, MARCH, undefined, { budget: { remaining: 4 } }))).rejects.toThrow('unavailable');
  });

  it('reads nothing for a position past the range', async () => {
    expect(await collect(eventsInOrder(party, MARCH, '2026-04-02T00:00:00.000Z#x'))).toEqual([]);
  });
});

describe('eventsByEntryId', () => {
  it('finds events and declarations by entry id, and leaves out what is missing', async () => {
    const declared = ids[3] ?? '';
    await commitDeclaration({
      eventId: declared,
      declarationJson: '{"type":"ObjectEvent","errorDeclaration":{}}',
      declarationHash: 'declaration-hash',
      actorOrgId: PARTY,
      transitions: [],
      revisions: new Map(),
      recordTime: '2026-03-20T00:00:00.000Z',
      audience,
    });
    // An event stored before hashes were kept with events.
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...eventKey('legacy'), eventId: 'legacy', recordTime: '2026-01-01T00:00:00.000Z', epcis: '{}' },
      }),
    );
    const found = await eventsByEntryId([ids[0] ?? '', `${declared}#declaration`, 'legacy', 'missing', `missing#declaration`]);
    expect([...found.keys()].sort()).toEqual([ids[0], `${declared}#declaration`, 'legacy'].sort());
    expect(found.get(`${declared}#declaration`)).toMatchObject({ source: 'declaration', eventHash: 'declaration-hash' });
    expect(found.get('legacy')).not.toHaveProperty('eventHash');
    expect(found.get('legacy')).toMatchObject({ audience: { parties: [], bizStep: '' }, rowsPending: false });
    const send = vi.spyOn(documentClient, 'send');
    expect(await eventsByEntryId([])).toEqual(new Map());
    expect(send).not.toHaveBeenCalled();
  });
});
