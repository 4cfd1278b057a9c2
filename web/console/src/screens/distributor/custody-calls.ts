import type { components } from '../../../../shared/openapi-types.generated';
import type { ApiClient } from '../../api/client';
import { dataOf } from '../../api/client';

export type InventoryItem = components['schemas']['Inventory']['items'][number];
export type CustodyEvent = components['schemas']['CustodyEvent'];
export type EventResult = components['schemas']['EventResults']['results'][number];

const MAX_EVENTS_PER_CALL = 1000;

/** Now, with the offset of the clerk's own clock (`+08:00`), as an event's time and zone. */
export const eventTimeNow = (): Pick<CustodyEvent, 'eventTime' | 'eventTimeZoneOffset'> => {
  const now = new Date();
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const pad = (value: number) => String(Math.floor(value)).padStart(2, '0');
  return {
    eventTime: now.toISOString(),
    eventTimeZoneOffset: `${sign}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`,
  };
};

/**
 * Records events and answers one result per event, in order. The API answers 200 when all
 * were recorded, 207 when some were refused, the first refusal's status when all were, and
 * 202 when a job records the rest (their results are then missing here): each carries
 * results, so only an answer without them (a refusal of the whole call, such as an expired
 * token) is an error.
 */
export const recordEvents = async (api: ApiClient, events: CustodyEvent[]): Promise<EventResult[]> => {
  const results: EventResult[] = [];
  // A call takes at most 1,000 events; a longer list goes in calls one after the other, in order.
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_CALL) {
    const answer = await api.POST('/v1/events', { body: { events: events.slice(start, start + MAX_EVENTS_PER_CALL) } });
    const body = (answer.data ?? answer.error) as { results?: EventResult[] } | undefined;
    if (body?.results === undefined) {
      await dataOf(Promise.resolve({ error: answer.error, response: answer.response }));
      break;
    }
    results.push(...body.results.map((result) => ({ ...result, index: result.index + start })));
  }
  return results;
};

/** All of an organization's inventory of one kind, page after page (a clerk's stock is a few hundred items). */
export const readInventory = async (api: ApiClient, which: 'held' | 'incoming'): Promise<InventoryItem[]> => {
  const items: InventoryItem[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await dataOf(
      api.GET('/v1/inventory', { params: { query: { which, limit: 500, ...(cursor === undefined ? {} : { cursor }) } } }),
    );
    items.push(...page.items);
    cursor = page.cursor;
    if (cursor === undefined) break;
  }
  return items;
};
