import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { eventFacetRowKey, eventKey, sharedRangeKey } from '#kernel/db/item-keys';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { getOrAssignSharedRange, reserveContainerReferences } from '#shared/custody/store/container-repository';
import { commitDeclaration, getRecordedEvent, putStandaloneEvent } from '#shared/custody/store/custody-repository';
import {
  audienceOfItem,
  putEventIndexRows,
  scanEventItemsPage,
  setEventIndexAttributes,
} from '#shared/custody/store/event-index-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The custody stores' refusals and edges, against DynamoDB Local (one table for this file):
 * SSCC counters that never wrap past their range, shared ranges handed out once each even
 * to concurrent first calls, events recorded once, and index writes that never create an
 * event that is not there.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

const audience = { parties: ['org-a'], provinces: ['CN-AH'], gtins: ['06952012345676'], lots: ['L1'], bizStep: 'shipping' };
const read = async (key: { pk: string; sk: string }) =>
  (await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: key, ConsistentRead: true }))).Item;

describe('SSCC reference counters', () => {
  it('refuses a count that is not a positive integer, or larger than the whole range', async () => {
    const orgId = `org-${randomUUID()}`;
    for (const count of [0, -1, 1.5, Number.NaN]) {
      await expect(reserveContainerReferences(orgId, 'case', count, 10)).rejects.toThrow(RangeError);
    }
    await expect(reserveContainerReferences(orgId, 'case', 11, 10)).rejects.toMatchObject({
      statusCode: 409,
      code: 'SSCC_RANGE_EXHAUSTED',
      details: { kind: 'case', capacity: 10, remaining: 10 },
    });
  });

  it('hands out consecutive references per kind, up to the range and never past it', async () => {
    const orgId = `org-${randomUUID()}`;
    expect(await reserveContainerReferences(orgId, 'case', 4, 10)).toBe(0);
    expect(await reserveContainerReferences(orgId, 'case', 4, 10)).toBe(4);
    // The pallet counter is its own.
    expect(await reserveContainerReferences(orgId, 'pallet', 10, 10)).toBe(0);
    await expect(reserveContainerReferences(orgId, 'case', 3, 10)).rejects.toMatchObject({
      code: 'SSCC_RANGE_EXHAUSTED',
      details: { remaining: 2 },
    });
    expect(await reserveContainerReferences(orgId, 'case', 2, 10)).toBe(8);
    await expect(reserveContainerReferences(orgId, 'pallet', 1, 10)).rejects.toMatchObject({ details: { remaining: 0 } });
  });
});

describe('shared SSCC ranges', () => {
  it('gives each organization one range, once, even to concurrent first calls, until none is left', async () => {
    const [a, b, c] = [`org-${randomUUID()}`, `org-${randomUUID()}`, `org-${randomUUID()}`];
    const ranges = await Promise.all([getOrAssignSharedRange(a, 3), getOrAssignSharedRange(a, 3), getOrAssignSharedRange(b, 3)]);
    expect(ranges[0]).toBe(ranges[1]);
    expect([ranges[0], ranges[2]].sort()).toEqual([1, 2]);
    expect(await getOrAssignSharedRange(a, 3)).toBe(ranges[0]);
    expect(await getOrAssignSharedRange(c, 3)).toBe(3);
    await expect(getOrAssignSharedRange(`org-${randomUUID()}`, 3)).rejects.toMatchObject({
      statusCode: 409,
      code: 'SSCC_RANGES_EXHAUSTED',
    });
    // A larger pool hands out the next range.
    expect(await getOrAssignSharedRange(`org-${randomUUID()}`, 4)).toBe(4);
  });

  it('answers a first call with the range a concurrent call of its organization took, even when that was the last', async () => {
    // Ranges 1 to 4 went to the test above: 5 and 6 are the last of a pool of 6.
    const [d, e] = [`org-${randomUUID()}`, `org-${randomUUID()}`];
    // Before: the call read "no range yet", then the counter after its sibling took the last
    // range and another organization moved it on, and refused the organization as out of ranges.
    const send = documentClient.send.bind(documentClient);
    let raced = false;
    const spy = vi.spyOn(documentClient, 'send').mockImplementation((async (command: unknown) => {
      const answer = await send(command as never);
      const key = command instanceof GetCommand ? command.input.Key : undefined;
      if (!raced && key?.pk === sharedRangeKey(d).pk && key.sk === sharedRangeKey(d).sk) {
        raced = true;
        spy.mockRestore();
        // Between this call's two reads: its sibling takes the last range but one, another organization the last.
        await getOrAssignSharedRange(d, 6);
        await getOrAssignSharedRange(e, 6);
      }
      return answer;
    }) as never);
    try {
      const taken = await getOrAssignSharedRange(d, 6);
      expect(raced).toBe(true);
      expect(taken).toBe(5);
      expect(await getOrAssignSharedRange(e, 6)).toBe(6);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('custody events', () => {
  const standalone = (eventId: string, epcisJson: string) => ({
    eventId,
    bizStep: 'recall' as const,
    actorOrgId: 'org-a',
    epcisJson,
    eventHash: 'h'.repeat(64),
    idAlgorithm: 'test',
    recordTime: '2026-02-03T04:05:06.000Z',
    audience,
  });

  it('records a standalone event once: a second put keeps the first', async () => {
    const eventId = randomUUID();
    await putStandaloneEvent(standalone(eventId, '{"first":true}'));
    await putStandaloneEvent(standalone(eventId, '{"second":true}'));
    expect(await getRecordedEvent(eventId)).toEqual({
      epcis: '{"first":true}',
      bizStep: 'recall',
      eventHash: 'h'.repeat(64),
      actorOrgId: 'org-a',
      subjectIds: [],
      recordTime: '2026-02-03T04:05:06.000Z',
      audience,
      indexRowsPending: true,
    });
  });

  it('reads an event recorded before the indexes with no audience or record time, and a missing one as missing', async () => {
    const eventId = randomUUID();
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...eventKey(eventId), eventId, epcis: '{}', eventHash: 'x', bizStep: 'shipping', actorOrgId: 'org-a' },
      }),
    );
    expect(await getRecordedEvent(eventId)).toEqual({
      epcis: '{}',
      bizStep: 'shipping',
      eventHash: 'x',
      actorOrgId: 'org-a',
      subjectIds: [],
      indexRowsPending: false,
    });
    expect(await getRecordedEvent(randomUUID())).toBeUndefined();
  });

  it('calls a transaction cancelled by a concurrent write a conflict, and throws any other cancellation', async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      const cancelled = (codes: string[]) =>
        Object.assign(new Error(`Transaction cancelled [${codes.join(', ')}]`), {
          name: 'TransactionCanceledException',
          CancellationReasons: codes.map((Code) => ({ Code })),
        });
      const declaration = {
        eventId: randomUUID(),
        declarationJson: '{}',
        declarationHash: 'd',
        actorOrgId: 'org-a',
        transitions: [],
        revisions: new Map(),
        recordTime: '2026-02-03T04:05:06.000Z',
        audience,
      };
      dynamo
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled(['None', 'TransactionConflict']))
        .rejectsOnce(cancelled(['None', 'ThrottlingError']))
        .rejectsOnce(Object.assign(new Error('TransactionConflict'), { name: 'ValidationException' }));
      expect(await commitDeclaration(declaration)).toBe('conflict');
      await expect(commitDeclaration(declaration)).rejects.toThrow(/Transaction cancelled/);
      await expect(commitDeclaration(declaration)).rejects.toThrow('TransactionConflict');
    } finally {
      dynamo.restore();
    }
  });
});

describe('event index writes', () => {
  it('read an item without audience attributes as an empty audience', () => {
    expect(audienceOfItem({})).toEqual({ parties: [], provinces: [], gtins: [], lots: [], bizStep: '' });
  });

  it('never create an event that is not there, but still put its rows', async () => {
    const eventId = randomUUID();
    const recordTime = '2026-02-03T04:05:06.000Z';
    await putEventIndexRows({ eventId, recordTime, source: 'event', audience });
    await setEventIndexAttributes({ eventId, source: 'declaration' }, recordTime, audience);
    expect(await read(eventKey(eventId))).toBeUndefined();
    expect(await read({ pk: eventKey(eventId).pk, sk: 'DECLARATION' })).toBeUndefined();
    expect(await read(eventFacetRowKey('lot', 'L1', recordTime, eventId))).toMatchObject({ eventId, source: 'event' });
  });

  it('scan every event item, page by page, telling indexed items from those recorded before the indexes', async () => {
    const indexed = randomUUID();
    await putStandaloneEvent({
      eventId: indexed,
      bizStep: 'recall',
      actorOrgId: 'org-a',
      epcisJson: '{}',
      eventHash: 'h',
      idAlgorithm: 'test',
      recordTime: '2026-02-03T04:05:06.000Z',
      audience,
    });
    const seen = new Map<string, Awaited<ReturnType<typeof scanEventItemsPage>>['items'][number]>();
    let startKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await scanEventItemsPage({
        segment: 0,
        totalSegments: 1,
        limit: 3,
        ...(startKey === undefined ? {} : { startKey }),
      });
      for (const item of page.items) seen.set(item.eventId, item);
      startKey = page.lastKey;
      pages++;
    } while (startKey !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(seen.get(indexed)).toMatchObject({ indexed: true, rowsPending: true, audience, source: 'event', subjectIds: [] });
    // The legacy item written above: no index attributes, no audience, no record time.
    const legacy = [...seen.values()].find((item) => !item.indexed);
    expect(legacy).toBeDefined();
    expect(legacy).not.toHaveProperty('audience');
    expect(legacy).not.toHaveProperty('recordTime');
    // Only event and declaration items: no facet row, counter or range.
    expect(
      [...seen.values()].every((item) => item.key.pk.startsWith('EVENT#') && ['EVENT', 'DECLARATION'].includes(item.key.sk)),
    ).toBe(true);
  });
});
