/**
 * Writing the event indexes (design in item-keys.ts and table-definitions.ts).
 *
 * The time index is a GSI key on the event item itself, written in the event's own
 * transaction. The facet rows (by party, province, GTIN, lot, bizStep) cannot be: an event
 * has several values of each, a GSI takes one, and the transaction is already near
 * DynamoDB's 100 items. So the event item is written with `indexRows: 'pending'`, the rows
 * are put right after the commit (idempotent puts), and the mark is removed. An event whose
 * call died in between keeps its mark; `repairEventIndexRows` (run by the migration
 * script, and on every duplicate of the event) finishes it from the time index.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import {
  EVENT_FACETS,
  type EventFacet,
  eventFacetRowKey,
  eventSourceKey,
  eventTimeIndexKey,
  type ItemKey,
} from '#kernel/db/item-keys';
import type { EventAudience } from '../domain/event-audience';

export type EventSourceKind = 'event' | 'declaration';

/** The attributes an event item carries for the indexes, written with the item. */
export const eventIndexAttributes = (eventId: string, recordTime: string, audience: EventAudience) => ({
  ...eventTimeIndexKey(eventId, recordTime),
  parties: audience.parties,
  provinces: audience.provinces,
  gtins: audience.gtins,
  lots: audience.lots,
  epcisBizStep: audience.bizStep,
  indexRows: 'pending',
});

/** The audience an event item carries (eventIndexAttributes). */
export const audienceOfItem = (item: Record<string, unknown>): EventAudience => ({
  parties: (item.parties as string[] | undefined) ?? [],
  provinces: (item.provinces as string[] | undefined) ?? [],
  gtins: (item.gtins as string[] | undefined) ?? [],
  lots: (item.lots as string[] | undefined) ?? [],
  bizStep: String(item.epcisBizStep ?? ''),
});

const facetValues = (audience: EventAudience): [EventFacet, string][] => [
  ...audience.parties.map((v): [EventFacet, string] => ['party', v]),
  ...audience.provinces.map((v): [EventFacet, string] => ['region', v]),
  ...audience.gtins.map((v): [EventFacet, string] => ['gtin', v]),
  ...audience.lots.map((v): [EventFacet, string] => ['lot', v]),
  ['bizStep', audience.bizStep],
];

export const facetRowsOf = (eventId: string, recordTime: string, source: EventSourceKind, audience: EventAudience) =>
  facetValues(audience)
    .filter(([facet]) => facet in EVENT_FACETS)
    .map(([facet, value]) => ({
      ...eventFacetRowKey(facet, value, recordTime, eventId),
      type: 'eventIndexRow',
      eventId,
      recordTime,
      source,
    }));

/** Puts the rows (again: puts of the same rows change nothing), then clears the mark. */
export const putEventIndexRows = async (input: {
  eventId: string;
  recordTime: string;
  source: EventSourceKind;
  audience: EventAudience;
}): Promise<void> => {
  await batchPutAll(facetRowsOf(input.eventId, input.recordTime, input.source, input.audience));
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: eventSourceKey(input.eventId, input.source),
        UpdateExpression: 'REMOVE indexRows',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

// Migration of events recorded before the indexes existed (scripts/migrate-event-indexes.ts).

export interface UnindexedEventItem {
  key: ItemKey;
  eventId: string;
  source: EventSourceKind;
  epcis: string;
  recordTime?: string;
  subjectIds: string[];
  actorOrgId: string;
  /** Already carries the index attributes (only its rows may be missing). */
  indexed: boolean;
  rowsPending: boolean;
  /** As stored, once indexed. */
  audience?: EventAudience;
}

/**
 * One page of one segment of a Scan of the base table, filtered to event items. Only the
 * one-time migration scans: no index can list items written before the indexes existed.
 */
export const scanEventItemsPage = async (input: {
  segment: number;
  totalSegments: number;
  startKey?: Record<string, unknown>;
  limit: number;
}): Promise<{ items: UnindexedEventItem[]; lastKey?: Record<string, unknown> }> => {
  const page = await documentClient.send(
    new ScanCommand({
      TableName: mainTableName(),
      Segment: input.segment,
      TotalSegments: input.totalSegments,
      Limit: input.limit,
      ExclusiveStartKey: input.startKey,
      FilterExpression: 'begins_with(pk, :event) AND (sk = :e OR sk = :d)',
      ExpressionAttributeValues: { ':event': 'EVENT#', ':e': 'EVENT', ':d': 'DECLARATION' },
    }),
  );
  const items = (page.Items ?? []).map((item) => ({
    key: { pk: String(item.pk), sk: String(item.sk) },
    eventId: String(item.eventId),
    source: item.sk === 'DECLARATION' ? ('declaration' as const) : ('event' as const),
    epcis: String(item.epcis),
    ...(typeof item.recordTime === 'string' ? { recordTime: item.recordTime } : {}),
    subjectIds: (item.subjectIds as string[] | undefined) ?? [],
    actorOrgId: String(item.actorOrgId),
    indexed: typeof item.gsi3pk === 'string',
    rowsPending: item.indexRows !== undefined,
    ...(typeof item.gsi3pk === 'string'
      ? {
          audience: audienceOfItem(item),
        }
      : {}),
  }));
  return { items, ...(page.LastEvaluatedKey === undefined ? {} : { lastKey: page.LastEvaluatedKey }) };
};

/** Gives an existing event item its index attributes; a second run sets the same values. */
export const setEventIndexAttributes = async (
  item: Pick<UnindexedEventItem, 'eventId' | 'source'>,
  recordTime: string,
  audience: EventAudience,
): Promise<void> => {
  const attributes: Record<string, unknown> = { recordTime, ...eventIndexAttributes(item.eventId, recordTime, audience) };
  const names = Object.keys(attributes);
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: eventSourceKey(item.eventId, item.source),
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, attributes[n]])),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};
