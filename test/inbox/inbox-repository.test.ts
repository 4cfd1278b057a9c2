import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#kernel/db/cursors';
import { mainTableName } from '#kernel/db/dynamodb-client';
import { inboxEntryKey } from '#kernel/db/item-keys';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { InboxChange, InboxEntry } from '#shared/inbox/inbox';
import {
  addInboxProvinces,
  changeInboxStatus,
  fileInboxEntry,
  getInboxEntry,
  getInboxHistory,
  listInbox,
} from '#shared/inbox/inbox-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The inbox store against DynamoDB Local, apart from the routes: filing twice, widening an
 * entry to more provinces (and racing to), a status change from a stale read, a failure that
 * is no lost race, and the listing's filters, pages and per-reader cursors.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

/** A province code of this test's own, so listings never see another test's entries. */
const freshProvince = (country = 'CN'): string => `${country}-${randomUUID().replace(/-/g, '').slice(0, 3).toUpperCase()}`;

const entryIn = (provinces: string[], overrides: Partial<InboxEntry> = {}): InboxEntry => ({
  kind: 'alert',
  id: `alert-${randomUUID()}`,
  createdAt: '2026-11-20T10:00:00.000Z',
  provinces,
  title: 'Copied code',
  ...overrides,
});

const NOW = new Date('2026-11-20T10:00:00.000Z');
const change = (from: InboxChange['from'], to: InboxChange['to']): InboxChange => ({
  at: '2026-11-21T00:00:00.000Z',
  by: { orgId: 'regulator-1', subject: 'client-1' },
  from,
  to,
});

describe('filing', () => {
  it('files an entry once; filing it again writes nothing and keeps its status', async () => {
    const province = freshProvince();
    const entry = entryIn([province]);
    expect(await fileInboxEntry(entry, NOW)).toBe('filed');
    const record = await getInboxEntry(entry.kind, entry.id);
    if (record === undefined) throw new Error('not filed');
    expect(await changeInboxStatus(record, change('new', 'investigating'))).toBe('written');
    expect(await fileInboxEntry({ ...entry, title: 'changed' }, NOW)).toBe('duplicate');
    expect(await getInboxEntry(entry.kind, entry.id)).toMatchObject({
      status: 'investigating',
      title: 'Copied code',
      version: 1,
    });
  });
});

describe('widening to more provinces', () => {
  it('is missing for an entry never filed, unchanged when it already reaches them, listed in each new area', async () => {
    expect(await addInboxProvinces('alert', `alert-${randomUUID()}`, ['CN-GD'])).toBe('missing');
    const [first, second] = [freshProvince(), freshProvince('VN')];
    const entry = entryIn([first]);
    await fileInboxEntry(entry, NOW);
    expect(await addInboxProvinces(entry.kind, entry.id, [first])).toBe('unchanged');
    expect(await addInboxProvinces(entry.kind, entry.id, [first, second])).toBe('added');
    expect((await getInboxEntry(entry.kind, entry.id))?.provinces).toEqual([first, second]);
    expect((await listInbox(second)).entries.map((e) => [e.id, e.provinces])).toEqual([[entry.id, [first, second]]]);
    expect((await listInbox('VN')).entries.map((e) => e.id)).toContain(entry.id);
  });

  it('loses no province when several hits widen the same entry at once', async () => {
    const entry = entryIn([freshProvince()]);
    await fileInboxEntry(entry, NOW);
    const added = Array.from({ length: 4 }, () => freshProvince());
    const outcomes = await Promise.all(added.map((province) => addInboxProvinces(entry.kind, entry.id, [province])));
    expect(outcomes).toEqual(added.map(() => 'added'));
    expect([...((await getInboxEntry(entry.kind, entry.id))?.provinces ?? [])].sort()).toEqual(
      [...entry.provinces, ...added].sort(),
    );
    for (const province of added) expect((await listInbox(province)).entries.map((e) => e.id)).toEqual([entry.id]);
  });
});

describe('changing status', () => {
  it('from a stale read is a conflict that writes no history', async () => {
    const entry = entryIn([freshProvince()]);
    await fileInboxEntry(entry, NOW);
    const stale = await getInboxEntry(entry.kind, entry.id);
    if (stale === undefined) throw new Error('not filed');
    expect(await changeInboxStatus(stale, change('new', 'investigating'))).toBe('written');
    expect(await changeInboxStatus(stale, { ...change('new', 'investigating'), note: 'second' })).toBe('conflict');
    expect(await getInboxHistory(entry.kind, entry.id)).toEqual([change('new', 'investigating')]);
  });

  it('from a read taken before the entry reached more provinces is a conflict, so no listing copy is left behind', async () => {
    const entry = entryIn([freshProvince()]);
    await fileInboxEntry(entry, NOW);
    const before = await getInboxEntry(entry.kind, entry.id);
    if (before === undefined) throw new Error('not filed');
    const later = freshProvince();
    await addInboxProvinces(entry.kind, entry.id, [later]);
    expect(await changeInboxStatus(before, change('new', 'investigating'))).toBe('conflict');
    expect((await listInbox(later)).entries.map((e) => e.status)).toEqual(['new']);
  });

  it('surfaces a failure that is no lost race, and writes nothing', async () => {
    const entry = entryIn([freshProvince()]);
    await fileInboxEntry(entry, NOW);
    const record = await getInboxEntry(entry.kind, entry.id);
    if (record === undefined) throw new Error('not filed');
    // A second write to the entry's own item in the same transaction: DynamoDB refuses the request.
    const clash = [
      {
        Update: {
          TableName: mainTableName(),
          Key: inboxEntryKey(entry.kind, entry.id),
          UpdateExpression: 'SET title = :t',
          ExpressionAttributeValues: { ':t': 'x' },
        },
      },
    ];
    await expect(changeInboxStatus(record, change('new', 'investigating'), clash)).rejects.toThrow();
    expect(await getInboxEntry(entry.kind, entry.id)).toMatchObject({ status: 'new', version: 0, title: 'Copied code' });
    expect(await getInboxHistory(entry.kind, entry.id)).toEqual([]);
  });
});

describe('listing an area', () => {
  const province = freshProvince();
  const gtin = '06952012345683';
  const filed = [
    entryIn([province], { createdAt: '2026-11-01T08:00:00.000Z', kind: 'report', gtin }),
    entryIn([province], { createdAt: '2026-11-02T08:00:00.000Z' }),
    entryIn([province], { createdAt: '2026-11-03T08:00:00.000Z', gtin }),
    entryIn([province], { createdAt: '2026-11-04T08:00:00.000Z' }),
  ];
  beforeAll(async () => {
    for (const entry of filed) await fileInboxEntry(entry, NOW);
  });
  const ids = (page: { entries: { id: string }[] }) => page.entries.map((e) => e.id);

  it('lists newest first, by kind, status, product and day range', async () => {
    const [a, b, c, d] = filed.map((e) => e.id);
    expect(ids(await listInbox(province))).toEqual([d, c, b, a]);
    expect(ids(await listInbox(province, { kind: 'report' }))).toEqual([a]);
    expect(ids(await listInbox(province, { gtin }))).toEqual([c, a]);
    expect(ids(await listInbox(province, { status: 'closed' }))).toEqual([]);
    expect(ids(await listInbox(province, { from: '2026-11-02', to: '2026-11-03' }))).toEqual([c, b]);
  });

  it('pages with a cursor good for the same reader and query only', async () => {
    const first = await listInbox(province, { limit: 3, reader: 'regulator-a' });
    expect(ids(first)).toEqual(
      filed
        .slice(1)
        .reverse()
        .map((e) => e.id),
    );
    const second = await listInbox(province, { limit: 3, reader: 'regulator-a', cursor: first.cursor });
    expect(ids(second)).toEqual([filed[0]?.id]);
    await expect(listInbox(province, { limit: 3, reader: 'regulator-b', cursor: first.cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      listInbox(province, { limit: 3, reader: 'regulator-a', kind: 'report', cursor: first.cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
