import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { EVENT_TIME_BUCKETS } from '#kernel/db/item-keys';
import { eventsInOrder } from '#shared/custody/store/event-index-reader';
import { seedHistory } from '../../scripts/bench/audit-export';
import { startTestService, type TestService } from '../support/local-service';

/**
 * Reading ahead (next pages, next days) is for long reads only. A paged query that answers
 * one event must not pay for pages and days it never returns: with read-ahead on every
 * request, GET /v1/epcis/events?perPage=1 over a month cost four days of queries, not one.
 */
let service: TestService;
let queries = 0;
const start = new Date(Date.UTC(2026, 10, 10, 6));
const range = { from: new Date(Date.UTC(2026, 10, 10)).toISOString(), to: new Date(Date.UTC(2026, 10, 20)).toISOString() };

beforeAll(async () => {
  service = await startTestService();
  await seedHistory(40, start, 'org-read-ahead', 0);
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name: 'readAheadQueryCounter' },
  );
}, 120_000);
afterAll(async () => {
  documentClient.middlewareStack.remove('readAheadQueryCounter');
  await service?.stop();
});

const firstEventCosts = async (options: { readAhead?: boolean }) => {
  queries = 0;
  for await (const step of eventsInOrder({ kind: 'time' }, range, undefined, options)) {
    if ('event' in step) break;
  }
  // Prefetches still in flight are counted when sent; give them a moment to be sent.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return queries;
};

describe('reading the time index ahead', () => {
  it('costs a paged read one query per bucket of the day it answers from', async () => {
    expect(await firstEventCosts({})).toBe(EVENT_TIME_BUCKETS);
  });

  it('asks for the next days too when a long read (export, checkpoint) asks for it', async () => {
    expect(await firstEventCosts({ readAhead: true })).toBeGreaterThan(EVENT_TIME_BUCKETS * 3);
  });
});
