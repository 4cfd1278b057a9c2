import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { declarationKey, eventKey } from '#kernel/db/item-keys';
import { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } from '#shared/audit/services/checkpoint-service';
import { migrateEventIndexes, repairEventIndexRows } from '#shared/custody/services/event-index-migration';
import { getRecordedEvent } from '#shared/custody/store/custody-repository';
import { eventsRecordedBetween } from '#shared/custody/store/event-index-query-repository';
import { facetRowsOf } from '#shared/custody/store/event-index-repository';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { allPages, keyOf, orgIn, productOf } from '../support/epcis-query';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Events recorded before the indexes existed: recorded through the API, then stripped back
 * to the old item shape (no index attributes, no rows, declarations without a record time),
 * migrated with a crash part-way, resumed, and read back.
 */
let service: TestService;
let adminToken: string;
let dir: string;
const since = new Date(Date.now() - 60_000);
const ids: { event: string; source: 'event' | 'declaration' }[] = [];
let national = '';
const INDEX_ATTRIBUTES = 'gsi3pk, gsi3sk, parties, provinces, gtins, lots, epcisBizStep, indexRows';

const stripToOldShape = async ({ event, source }: { event: string; source: 'event' | 'declaration' }) => {
  const stored = await getRecordedEventOrDeclaration(event, source);
  for (const row of facetRowsOf(event, stored.recordTime, source, stored.audience)) {
    await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: { pk: row.pk, sk: row.sk } }));
  }
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: source === 'event' ? eventKey(event) : declarationKey(event),
      // Declarations had no record time of their own before the indexes.
      UpdateExpression: `REMOVE ${INDEX_ATTRIBUTES}${source === 'declaration' ? ', recordTime' : ''}`,
    }),
  );
};

/** The index attributes as the API wrote them, read before stripping. */
const getRecordedEventOrDeclaration = async (eventId: string, source: 'event' | 'declaration') => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: source === 'event' ? eventKey(eventId) : declarationKey(eventId) }),
  );
  if (Item === undefined) throw new Error(`no ${source} ${eventId}`);
  const audience = {
    parties: Item.parties as string[],
    provinces: Item.provinces as string[],
    gtins: Item.gtins as string[],
    lots: Item.lots as string[],
    bizStep: String(Item.epcisBizStep),
  };
  return { recordTime: String(Item.recordTime), audience };
};

/** As a call that died between its commit and its rows leaves an event; answers what a Guangdong regulator lists. */
const leaveRowsPending = async (target: { event: string; source: 'event' | 'declaration' }) => {
  const stored = await getRecordedEventOrDeclaration(target.event, target.source);
  for (const row of facetRowsOf(target.event, stored.recordTime, target.source, stored.audience)) {
    await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: { pk: row.pk, sk: row.sk } }));
  }
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: eventKey(target.event),
      UpdateExpression: 'SET indexRows = :pending',
      ExpressionAttributeValues: { ':pending': 'pending' },
    }),
  );
  const regional = (await orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou')).token;
  return async () =>
    (await allPages(service, regional, `/v1/epcis/events?GE_recordTime=${since.toISOString()}`)).events.map(keyOf);
};

const everything = async () =>
  (await allPages(service, national, `/v1/epcis/events?GE_recordTime=${since.toISOString()}&perPage=2`)).events.map(keyOf);

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  dir = await mkdtemp(join(tmpdir(), 'traceseal-migration-'));
  const factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  const distributor = await orgIn(service, adminToken, 'distributor', 'CN-AH Hefei');
  national = (await orgIn(service, adminToken, 'regulator', 'CN')).token;
  const gtin = await productOf(service, factory.token);
  const units = await issueUnits(service, factory.token, gtin, 'MIG-1', 4);
  const record = async (token: string, events: unknown[]) => {
    const { status, results } = await postEvents(service, token, events);
    expect(status).toBe(200);
    return results.map((r) => r.eventId ?? '');
  };
  for (const code of units) {
    const [id = ''] = await record(factory.token, [custodyEvent('shipping', { epcs: [code], destination: distributor.id })]);
    ids.push({ event: id, source: 'event' });
  }
  const [received = ''] = await record(distributor.token, [custodyEvent('receiving', { epcs: units }, 1000)]);
  ids.push({ event: received, source: 'event' });
  await record(distributor.token, [{ errorDeclaration: { eventId: received, reason: 'did_not_occur' } }]);
  ids.push({ event: received, source: 'declaration' });
  const [recall = ''] = await record(factory.token, [custodyEvent('recall', { lot: { gtin, lot: 'MIG-1' } }, 2000)]);
  ids.push({ event: recall, source: 'event' });
}, 120_000);
afterAll(async () => {
  await service?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('scripts/migrate-event-indexes.ts', () => {
  it('back-fills old events, resumes after a crash from its checkpoint, and changes nothing when re-run', async () => {
    const before = await everything();
    expect(before).toHaveLength(ids.length);
    for (const id of ids) await stripToOldShape(id);
    expect(await everything()).toEqual([]);
    expect((await getRecordedEvent(ids[0]?.event ?? ''))?.audience).toBeUndefined();

    const checkpointFile = join(dir, 'checkpoint.json');
    // Killed part-way, deterministically whatever the segments' split: exactly one page that
    // holds events (at most 5 of the 7) is processed and saved; the next page read, in either
    // segment, dies before its items are processed and its position is never saved.
    let pagesWithEvents = 0;
    const crash = migrateEventIndexes({
      checkpointFile,
      segments: 2,
      pageSize: 5,
      beforePage: (_segment, eventItems) => {
        if (pagesWithEvents > 0) throw new Error('killed mid-way');
        if (eventItems > 0) pagesWithEvents += 1;
      },
    });
    await expect(crash).rejects.toThrow('killed mid-way');
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { totalSegments: number; processed: number };
    expect(saved.totalSegments).toBe(2);
    expect(saved.processed).toBeGreaterThan(0);
    expect(saved.processed).toBeLessThan(ids.length);
    // Part-way: only some events are back in the index.
    expect((await everything()).length).toBeLessThan(ids.length);

    const resumed = await migrateEventIndexes({ checkpointFile, segments: 2, pageSize: 5 });
    expect(resumed.processed).toBeGreaterThan(saved.processed);
    await expect(access(checkpointFile)).rejects.toThrow();
    expect(await everything()).toEqual(before);

    const again = await migrateEventIndexes({ checkpointFile, segments: 3, pageSize: 2 });
    expect(again.migrated).toBe(0);
    expect(again.processed).toBeGreaterThanOrEqual(ids.length);
    expect(await everything()).toEqual(before);

    const fed: string[] = [];
    for await (const event of eventsRecordedBetween(since, new Date(Date.now() + 1000))) fed.push(event.recordTime);
    expect(fed).toHaveLength(ids.length);
    expect(fed).toEqual([...fed].sort());
  });

  it('repairs the rows of an event whose call died between its commit and its rows', async () => {
    const target = ids[0] ?? { event: '', source: 'event' as const };
    const seen = await leaveRowsPending(target);
    expect(await seen()).not.toContain(target.event);
    expect(await repairEventIndexRows(since, new Date(Date.now() + 1000))).toBe(1);
    expect(await seen()).toContain(target.event);
    expect(await repairEventIndexRows(since, new Date(Date.now() + 1000))).toBe(0);
  });

  it('has the checkpoint finish rows left pending as the event settles into the log', async () => {
    const target = ids.find((id, i) => i > 0 && id.source === 'event') ?? { event: '', source: 'event' as const };
    const seen = await leaveRowsPending(target);
    expect(await seen()).not.toContain(target.event);
    // The hourly run, once the event is past the settle margin: nobody runs the repair script.
    const { appended } = await appendAndCheckpoint({
      source: recordedEventSource,
      now: new Date(Date.now() + SETTLE_MARGIN_MS + 1000),
    });
    expect(appended).toBeGreaterThan(0);
    expect(await seen()).toContain(target.event);
    expect(await repairEventIndexRows(since, new Date(Date.now() + 1000))).toBe(0);
  });
});
