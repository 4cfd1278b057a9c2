import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { MAX_QUERIES_PER_PAGE } from '#shared/custody/services/epcis-query-service';
import { issueUnits, postEvents } from '../support/custody';
import { keyOf, orgIn, productOf, queryEvents } from '../support/epcis-query';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * One page of GET /v1/epcis/events sends at most MAX_QUERIES_PER_PAGE index queries. Before,
 * a query over a long quiet range read up to 62 periods of 8 buckets (about 500 queries) in
 * one call, and could still answer nothing but a next link. Now a page stops at its budget
 * with what it found and a token that resumes exactly there, and walking the pages returns
 * every event exactly once.
 */
let service: TestService;
let adminToken: string;
const counted: Record<string, number> = {};
const COUNTER = 'epcisBudgetCounter';
const recorded: string[] = [];
let factory: { id: string; token: string };

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-ZJ Hangzhou');
  const distributor = await orgIn(service, adminToken, 'distributor', 'CN-ZJ Hangzhou');
  const gtin = await productOf(service, factory.token);
  const codes = await issueUnits(service, factory.token, gtin, 'BUDGET-1', 5);
  for (const code of codes) {
    const sent = await postEvents(service, factory.token, [
      {
        bizStep: 'shipping',
        eventTime: new Date().toISOString(),
        eventTimeZoneOffset: '+08:00',
        epcs: [code],
        destination: distributor.id,
      },
    ]);
    expect(sent.status).toBe(200);
    recorded.push(sent.results[0]?.eventId ?? '');
  }
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      counted[command] = (counted[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: COUNTER },
  );
}, 120_000);
afterAll(async () => {
  documentClient.middlewareStack.remove(COUNTER);
  await service?.stop();
});

/** Every page from the first, with what each cost in index queries and batch reads. */
const walk = async (token: string, first: string) => {
  const pages: { events: number; queries: number; batchGets: number }[] = [];
  const events: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    for (const key of Object.keys(counted)) delete counted[key];
    const page = await queryEvents(service, token, next);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    pages.push({ events: page.events.length, queries: counted.Query ?? 0, batchGets: counted.BatchGet ?? 0 });
    events.push(...page.events);
    next = page.next;
    if (pages.length > 500) throw new Error('paging does not end');
  }
  return { pages, events };
};

describe('the work of one EPCIS page', () => {
  // 40 quiet days, then today's events.
  const since = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const first = `/v1/epcis/events?${new URLSearchParams({ GE_recordTime: since, perPage: '1000' })}`;

  it('a long sparse range on the time index (a national regulator): bounded pages, every event once', async () => {
    const national = await orgIn(service, adminToken, 'regulator', 'CN');
    const { pages, events } = await walk(national.token, first);
    // The first page, the one that read up to 62 days at once, now stops at its budget.
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(MAX_QUERIES_PER_PAGE);
    const keys = events.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of recorded) expect(keys).toContain(id);
  });

  it('a provincial regulator (4 buckets a day) and a factory (its month rows, events read in batches): bounded too', async () => {
    const provincial = await orgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
    for (const token of [provincial.token, factory.token]) {
      const { pages, events } = await walk(token, first);
      for (const page of pages) {
        expect(page.queries).toBeLessThanOrEqual(MAX_QUERIES_PER_PAGE);
        // Events behind facet rows are read at most one batch per query page of rows, and one per period.
        expect(page.batchGets).toBeLessThanOrEqual(2 * MAX_QUERIES_PER_PAGE);
      }
      const keys = events.map(keyOf);
      expect(new Set(keys).size).toBe(keys.length);
      for (const id of recorded) expect(keys).toContain(id);
    }
  });
});
