import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { EVENT_TIME_BUCKETS } from '#kernel/db/item-keys';
import { eventsInOrder } from '#shared/custody/store/event-index-query-repository';
import { seedHistory } from '../../scripts/bench/audit-export';
import { startTestService, type TestService } from '../support/local-service';

/**
 * Reading ahead (next pages, next days) is for long reads only. A paged query that answers
 * one event must not pay for pages and days it never returns: with read-ahead on every
 * request, GET /v1/epcis/events?perPage=1 over a month cost four days of queries, not one.
 */
let service: TestService;
/** Every query sent, counted when `send` is called (not when the SDK's stack gets to it), with its answer. */
const queries: Promise<unknown>[] = [];
const start = new Date(Date.UTC(2026, 10, 10, 6));
const range = { from: new Date(Date.UTC(2026, 10, 10)).toISOString(), to: new Date(Date.UTC(2026, 10, 20)).toISOString() };

beforeAll(async () => {
  service = await startTestService();
  await seedHistory(40, start, 'org-read-ahead', 0);
  const send = documentClient.send.bind(documentClient);
  vi.spyOn(documentClient, 'send').mockImplementation(((command: Parameters<typeof send>[0]) => {
    const answer = send(command);
    if (command instanceof QueryCommand) queries.push(answer.catch(() => undefined));
    return answer;
  }) as typeof documentClient.send);
}, 120_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await service?.stop();
});

const firstEventCosts = async (options: { readAhead?: boolean }) => {
  queries.length = 0;
  for await (const step of eventsInOrder({ kind: 'time' }, range, undefined, options)) {
    if ('event' in step) break;
  }
  // Prefetches may still be in flight, and a page that arrives may ask for the next: the cost
  // is known once every query sent is answered and none followed.
  await vi.waitUntil(
    async () => {
      const sent = queries.length;
      await Promise.all(queries);
      return queries.length === sent;
    },
    { timeout: 60_000, interval: 10 },
  );
  return queries.length;
};

describe('reading the time index ahead', () => {
  it('costs a paged read one query per bucket of the day it answers from', async () => {
    expect(await firstEventCosts({})).toBe(EVENT_TIME_BUCKETS);
  });

  it('asks for the next days too when a long read (export, checkpoint) asks for it', async () => {
    expect(await firstEventCosts({ readAhead: true })).toBeGreaterThan(EVENT_TIME_BUCKETS * 3);
  });
});
