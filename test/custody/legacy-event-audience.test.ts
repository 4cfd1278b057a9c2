import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { eventFacetRowKey, eventKey } from '#kernel/db/item-keys';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { logger } from '#kernel/logger';
import { migrateEventIndexes, migrateItem } from '#shared/custody/services/event-index-migration';
import { audienceOfStoredEvent, indexCommittedEvent } from '#shared/custody/services/events/event-audience';
import type { UnindexedEventItem } from '#shared/custody/store/event-index-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The audience of an event stored before the indexes, worked out from its EPCIS alone (no
 * organization or product registered in this file's table): only what the event names is
 * taken, and what it does not name is left out, never guessed. Migrating an item that
 * cannot be placed in time fails loudly; indexing after a commit never fails the commit.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => vi.restoreAllMocks());

const GTIN = '06952012345676';

describe('audienceOfStoredEvent', () => {
  it('takes the reporter, destination, unit GTINs and lot classes the event names', async () => {
    const epcis = {
      bizStep: 'shipping',
      'traceseal:reporter': 'urn:traceseal:org:org-factory',
      epcList: [`https://id.gs1.org/01/${GTIN}/21/SERIAL1`, 'urn:epc:id:sscc:0614141.1234567890'],
      childEPCs: [`https://id.gs1.org/01/${GTIN}/21/SERIAL2`],
      quantityList: [{ epcClass: `https://id.gs1.org/01/06952012345683/10/LOT9` }, { epcClass: 'urn:epc:class:lgtin:x' }, {}],
      destinationList: [{ destination: 'urn:traceseal:org:org-distributor' }],
    };
    expect(await audienceOfStoredEvent({ epcis: JSON.stringify(epcis), actorOrgId: 'org-actor' })).toEqual({
      parties: ['org-distributor', 'org-factory'],
      provinces: [],
      gtins: ['06952012345676', '06952012345683'],
      lots: ['06952012345683/LOT9'],
      bizStep: 'shipping',
    });
  });

  it('falls back to the recording organization, and leaves out a destination that is no organization', async () => {
    const epcis = { destinationList: [{ destination: 'https://example.com/somewhere' }] };
    expect(await audienceOfStoredEvent({ epcis: JSON.stringify(epcis), actorOrgId: 'org-actor' })).toEqual({
      parties: ['org-actor'],
      provinces: [],
      gtins: [],
      lots: [],
      bizStep: '',
    });
  });
});

describe('migrating one legacy item', () => {
  const legacy = (epcis: Record<string, unknown>, extra: Partial<UnindexedEventItem> = {}): UnindexedEventItem => {
    const eventId = randomUUID();
    return {
      key: eventKey(eventId),
      eventId,
      source: 'event',
      epcis: JSON.stringify(epcis),
      subjectIds: [],
      actorOrgId: 'org-actor',
      indexed: false,
      rowsPending: false,
      ...extra,
    };
  };

  it('leaves an item already indexed with its rows written alone', async () => {
    const send = vi.spyOn(documentClient, 'send');
    expect(await migrateItem(legacy({}, { indexed: true, rowsPending: false }))).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses an item with no record time anywhere, rather than index it at an invented one', async () => {
    await expect(migrateItem(legacy({ bizStep: 'shipping' }))).rejects.toThrow(/has no record time/);
    await expect(migrateItem(legacy({ recordTime: 42 }))).rejects.toThrow(/has no record time/);
  });

  it('takes an old event’s record time from its EPCIS, and writes its rows even when its item is gone', async () => {
    const item = legacy({ recordTime: '2026-02-03T04:05:06Z', bizStep: 'receiving' });
    expect(await migrateItem(item)).toBe(true);
    const row = eventFacetRowKey('bizStep', 'receiving', '2026-02-03T04:05:06.000Z', item.eventId);
    expect((await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: row }))).Item).toMatchObject({
      eventId: item.eventId,
      recordTime: '2026-02-03T04:05:06.000Z',
    });
    // No event item was there: the migration gives attributes, it never creates an event.
    expect((await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: item.key }))).Item).toBeUndefined();
  });
});

describe('indexCommittedEvent', () => {
  it('leaves the rows pending and the committed event standing when writing them fails', async () => {
    vi.spyOn(documentClient, 'send').mockRejectedValue('throttled');
    const warn = vi.spyOn(logger, 'warn');
    const audience = { parties: ['org-a'], provinces: [], gtins: [], lots: [], bizStep: 'shipping' };
    await expect(
      indexCommittedEvent({ eventId: 'e1', recordTime: '2026-02-03T04:05:06.000Z', source: 'event', audience }),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('event index rows left pending for repair', { eventId: 'e1', error: 'unknown' });
    vi.spyOn(documentClient, 'send').mockRejectedValue(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await indexCommittedEvent({ eventId: 'e2', recordTime: '2026-02-03T04:05:06.000Z', source: 'event', audience });
    expect(warn).toHaveBeenLastCalledWith('event index rows left pending for repair', {
      eventId: 'e2',
      error: 'ThrottlingException',
    });
  });
});

describe('migrateEventIndexes', () => {
  it('refuses a checkpoint it cannot read, rather than start over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migration-'));
    try {
      await expect(migrateEventIndexes({ checkpointFile: dir })).rejects.toMatchObject({ code: 'EISDIR' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates a legacy item with its default segments and page size, then removes its checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migration-'));
    try {
      const eventId = randomUUID();
      const epcis = {
        recordTime: '2026-02-09T10:00:00.000Z',
        bizStep: 'inspecting',
        'traceseal:reporter': 'urn:traceseal:org:org-lab',
      };
      await documentClient.send(
        new PutCommand({
          TableName: mainTableName(),
          Item: { ...eventKey(eventId), eventId, epcis: JSON.stringify(epcis), actorOrgId: 'org-lab' },
        }),
      );
      const checkpointFile = join(dir, 'checkpoint.json');
      const outcome = await migrateEventIndexes({ checkpointFile });
      expect(outcome.migrated).toBeGreaterThanOrEqual(1);
      expect(
        (await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: eventKey(eventId) }))).Item,
      ).toMatchObject({
        recordTime: '2026-02-09T10:00:00.000Z',
        parties: ['org-lab'],
        epcisBizStep: 'inspecting',
      });
      await expect(access(checkpointFile)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
