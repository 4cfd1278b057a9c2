/**
 * The regulators' inbox. One partition per entry holds the entry (its status and version)
 * and its history items; each area (province, country, UNLOCATED) has a listing copy.
 * History is append-only by construction: an item is only ever written by a conditional
 * put on a key that must not exist yet, and nothing here updates or deletes one.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import { documentClient, mainTableName, queryAll, type TransactItems } from '#kernel/db/dynamodb-client';
import {
  INBOX_HISTORY_PREFIX,
  INBOX_LISTING_PREFIX,
  inboxAreaPartition,
  inboxEntryKey,
  inboxHistoryKey,
  inboxListingKey,
  inboxListingRange,
  inboxPartition,
} from '#kernel/db/item-keys';
import { type InboxChange, type InboxEntry, type InboxKind, type InboxRecord, type InboxStatus, inboxAreasOf } from './inbox';

type Outcome = 'written' | 'conflict';

/** Why DynamoDB cancelled a transaction, by item; empty when it was not a cancellation. */
const cancellationCodes = (error: unknown): string[] =>
  error instanceof Error && error.name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : [];

/** A failed condition or another transaction on the same items: someone else got there first. */
const lostRace = (error: unknown): boolean =>
  cancellationCodes(error).some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');

const writeAll = async (items: TransactItems): Promise<Outcome> => {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    if (lostRace(error)) return 'conflict';
    throw error;
  }
};

const listingKeysOf = (entry: Pick<InboxEntry, 'kind' | 'id' | 'createdAt' | 'provinces'>) =>
  inboxAreasOf(entry.provinces).map((area) => inboxListingKey(area, entry.createdAt, entry.kind, entry.id));

/**
 * Files an entry as `new`, version 0, with its listing copies, all or nothing. The entry's
 * key must be free, so filing the same kind+id again writes nothing at all.
 */
export const fileInboxEntry = async (entry: InboxEntry, now: Date): Promise<'filed' | 'duplicate'> => {
  const TableName = mainTableName();
  const record: InboxRecord = {
    ...entry,
    provinces: [...entry.provinces],
    status: 'new',
    version: 0,
    updatedAt: now.toISOString(),
  };
  const outcome = await writeAll([
    {
      Put: {
        TableName,
        Item: { ...inboxEntryKey(entry.kind, entry.id), type: 'inboxEntry', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...listingKeysOf(entry).map((key) => ({ Put: { TableName, Item: { ...key, type: 'inboxListing', ...record } } })),
  ]);
  if (outcome === 'written') return 'filed';
  if ((await getInboxEntry(entry.kind, entry.id)) === undefined) throw new Error('Filing an inbox entry kept conflicting');
  return 'duplicate';
};

const toRecord = (item: Record<string, unknown>): InboxRecord => {
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as InboxRecord;
};

export const getInboxEntry = async (kind: InboxKind, id: string): Promise<InboxRecord | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: inboxEntryKey(kind, id), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : toRecord(Item);
};

/** Every change, oldest first (an entry sees a handful: one partition, a few pages at most). */
export const getInboxHistory = async (kind: InboxKind, id: string): Promise<InboxChange[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': inboxPartition(kind, id), ':prefix': INBOX_HISTORY_PREFIX },
    ConsistentRead: true,
  });
  return items.map(({ pk: _pk, sk: _sk, type: _type, version: _version, ...change }) => change as unknown as InboxChange);
};

/**
 * Adds provinces to a filed entry (an alert whose later hits were elsewhere): the entry's
 * list and a listing copy, as the entry now stands, in each area it did not reach yet, in
 * one transaction conditioned on the entry's version and province count as read. Provinces
 * are only ever added, so a status change conditioned on the count it read (below) never
 * misses a copy. 'missing' when nothing was filed under that kind and id.
 */
export const addInboxProvinces = async (
  kind: InboxKind,
  id: string,
  provinces: readonly string[],
): Promise<'added' | 'unchanged' | 'missing'> => {
  const TableName = mainTableName();
  for (let attempt = 0; attempt < MAX_WIDEN_ATTEMPTS; attempt++) {
    const record = await getInboxEntry(kind, id);
    if (record === undefined) return 'missing';
    const added = provinces.filter((province) => !record.provinces.includes(province));
    if (added.length === 0) return 'unchanged';
    const widened: InboxRecord = { ...record, provinces: [...record.provinces, ...added] };
    const reached = new Set(inboxAreasOf(record.provinces));
    const newAreas = inboxAreasOf(widened.provinces).filter((area) => !reached.has(area));
    const outcome = await writeAll([
      {
        Update: {
          TableName,
          Key: inboxEntryKey(kind, id),
          UpdateExpression: 'SET provinces = :provinces',
          ConditionExpression: '#version = :read AND size(provinces) = :count',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':provinces': widened.provinces,
            ':read': record.version,
            ':count': record.provinces.length,
          },
        },
      },
      ...newAreas.map((area) => ({
        Put: {
          TableName,
          Item: { ...inboxListingKey(area, record.createdAt, kind, id), type: 'inboxListing', ...widened },
        },
      })),
    ]);
    if (outcome === 'written') return 'added';
  }
  throw new Error(`Adding provinces to inbox entry ${kind} ${id} kept conflicting`);
};

const MAX_WIDEN_ATTEMPTS = 8;

/**
 * Moves the entry from `record` (as read) to `change.to`: the entry only if it is still at
 * the version read, history item number version+1 only if it does not exist yet, the
 * listing copies, and `alsoWrite` (the underlying record's own status), in one
 * transaction. A concurrent change, or any attempt to write over a history item, is a
 * 'conflict' that wrote nothing.
 */
export const changeInboxStatus = async (
  record: InboxRecord,
  change: InboxChange,
  alsoWrite: TransactItems = [],
): Promise<Outcome> => {
  const TableName = mainTableName();
  const version = record.version + 1;
  const setStatus = {
    UpdateExpression: 'SET #status = :to, #version = :version, updatedAt = :at',
    ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
  };
  const values = { ':to': change.to, ':version': version, ':at': change.at };
  return writeAll([
    {
      Update: {
        TableName,
        Key: inboxEntryKey(record.kind, record.id),
        ...setStatus,
        // Provinces added since the read would leave their listing copies behind: a conflict.
        ConditionExpression: '#version = :read AND #status = :from AND size(provinces) = :count',
        ExpressionAttributeValues: {
          ...values,
          ':read': record.version,
          ':from': record.status,
          ':count': record.provinces.length,
        },
      },
    },
    {
      Put: {
        TableName,
        Item: { ...inboxHistoryKey(record.kind, record.id, version), type: 'inboxHistory', version, ...change },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...listingKeysOf(record).map((Key) => ({ Update: { TableName, Key, ...setStatus, ExpressionAttributeValues: values } })),
    ...alsoWrite,
  ]);
};

export interface InboxListOptions {
  kind?: InboxKind;
  status?: InboxStatus;
  gtin?: string;
  /** YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
  cursor?: string;
  /** Who reads: the listing's cursors are good for this organization alone. */
  reader?: string;
  limit?: number;
}

export interface InboxPage {
  entries: InboxRecord[];
  cursor?: string;
}

const FILTERS = [
  ['kind', '#kind = :kind'],
  ['status', '#status = :status'],
  ['gtin', '#gtin = :gtin'],
] as const;

/** Newest first. Filters apply within each page read, so a page may hold fewer than `limit`. */
export const listInbox = async (area: string, options: InboxListOptions = {}): Promise<InboxPage> => {
  const pk = inboxAreaPartition(area);
  const { start, end } = inboxListingRange(options.from, options.to);
  const cursorShape = {
    listing: 'inbox',
    parameters: [start, end, options.kind, options.status, options.gtin, options.reader],
    exact: { pk },
    prefixed: { sk: INBOX_LISTING_PREFIX },
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': pk, ':start': start, ':end': end };
  const conditions: string[] = [];
  for (const [field, condition] of FILTERS) {
    const value = options[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    conditions.push(condition);
  }
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
      ExpressionAttributeValues: values,
      ...(conditions.length === 0 ? {} : { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }),
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: await decodeCursor(options.cursor, cursorShape),
    }),
  );
  const cursor = await encodeCursor(page.LastEvaluatedKey, cursorShape);
  return { entries: (page.Items ?? []).map(toRecord), ...(cursor === undefined ? {} : { cursor }) };
};
