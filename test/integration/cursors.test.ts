import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Every paginated route answers a cursor it did not hand out with 400 INVALID_CURSOR and
 * never passes it to DynamoDB, which would reject it with a ValidationException (a 500).
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const cursorOf = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const decoded = (cursor: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;

interface Listing {
  name: string;
  /** The URL of a page of this listing, given a cursor. */
  url(cursor: string): string;
  token: string;
  /** A cursor the listing itself handed out, and one it handed out to another caller or resource. */
  own: string;
  foreign: string;
}

const listings: Listing[] = [];

const issueBatch = async (token: string, gtin: string, lot: string, count = 1): Promise<string> => {
  const res = await service.call('POST', '/v1/batches', { token, body: { gtin, lot, productionDate: '2026-11-01', count } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { batch: { id: string } }).batch.id;
};

const firstCursor = async (url: string, token: string, read: (res: Response) => Promise<string | undefined>) => {
  const res = await service.call('GET', url, { token });
  expect(res.status).toBe(200);
  const cursor = await read(res);
  expect(cursor).toBeDefined();
  return cursor ?? '';
};
const bodyCursor = async (res: Response) => ((await res.json()) as { cursor?: string }).cursor;
const linkCursor = async (res: Response) => /cursor=([^&>]+)/.exec(res.headers.get('link') ?? '')?.[1];

beforeAll(async () => {
  const a = await factoryWithProduct(service, adminToken);
  const b = await factoryWithProduct(service, adminToken);
  await issueBatch(a.factory.token, a.gtin, 'CUR-A1');
  await issueBatch(a.factory.token, a.gtin, 'CUR-A2');
  await issueBatch(b.factory.token, b.gtin, 'CUR-B1');
  await issueBatch(b.factory.token, b.gtin, 'CUR-B2');
  listings.push({
    name: 'GET /v1/batches',
    url: (cursor) => `/v1/batches?limit=1&cursor=${encodeURIComponent(cursor)}`,
    token: a.factory.token,
    own: await firstCursor('/v1/batches?limit=1', a.factory.token, bodyCursor),
    foreign: await firstCursor('/v1/batches?limit=1', b.factory.token, bodyCursor),
  });

  // 10 chunks of 1,000 codes: a page reads up to 10, and a page that stops at its limit hands out a cursor.
  const big = await issueBatch(a.factory.token, a.gtin, 'CUR-BIG', 10_000);
  const bigB = await issueBatch(b.factory.token, b.gtin, 'CUR-BIGB', 10_000);
  const codesUrl = (id: string) => `/v1/batches/${id}/codes?format=ndjson`;
  listings.push({
    name: 'GET /v1/batches/{id}/codes',
    url: (cursor) => `${codesUrl(big)}&cursor=${encodeURIComponent(cursor)}`,
    token: a.factory.token,
    own: await firstCursor(codesUrl(big), a.factory.token, linkCursor),
    // Another batch's cursor, sent to this batch's listing by its own owner.
    foreign: await firstCursor(codesUrl(bigB), b.factory.token, linkCursor),
  });

  for (const org of [a.factory, b.factory]) {
    const res = await service.call('POST', '/v1/containers', { token: org.token, body: { kind: 'case', count: 2 } });
    expect(res.status).toBe(201);
  }
  listings.push({
    name: 'GET /v1/inventory',
    url: (cursor) => `/v1/inventory?which=held&limit=1&cursor=${encodeURIComponent(cursor)}`,
    token: a.factory.token,
    own: await firstCursor('/v1/inventory?which=held&limit=1', a.factory.token, bodyCursor),
    foreign: await firstCursor('/v1/inventory?which=held&limit=1', b.factory.token, bodyCursor),
  });
}, 120_000);

const expectInvalidCursor = async (listing: Listing, cursor: string) => {
  const res = await service.call('GET', listing.url(cursor), { token: listing.token });
  const body = (await res.json()) as { error?: { code: string } };
  expect({ status: res.status, code: body.error?.code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
};

describe('pagination cursors', () => {
  it('the cursor each listing hands out takes its caller to the next page', async () => {
    expect(listings.map((l) => l.name)).toEqual(['GET /v1/batches', 'GET /v1/batches/{id}/codes', 'GET /v1/inventory']);
    for (const listing of listings) {
      const res = await service.call('GET', listing.url(listing.own), { token: listing.token });
      expect(res.status, listing.name).toBe(200);
    }
  });

  it('a partial key (the reported 500) is refused', async () => {
    for (const listing of listings) {
      const key = decoded(listing.own);
      for (const name of Object.keys(key)) {
        const { [name]: _dropped, ...partial } = key;
        await expectInvalidCursor(listing, cursorOf(partial));
      }
      // Only the partition attribute, the shape the old check accepted.
      const partition = Object.fromEntries(
        Object.entries(key).filter(([n]) => n === 'gsi1pk' || (n === 'pk' && !('gsi1pk' in key))),
      );
      await expectInvalidCursor(listing, cursorOf(partition));
    }
  });

  it('extra attributes are refused', async () => {
    for (const listing of listings) {
      await expectInvalidCursor(listing, cursorOf({ ...decoded(listing.own), extra: 'x' }));
      await expectInvalidCursor(listing, cursorOf({ ...decoded(listing.own), gsi2pk: 'LOT#x' }));
    }
  });

  it("another organization's (or batch's) partition is refused", async () => {
    for (const listing of listings) await expectInvalidCursor(listing, listing.foreign);
  });

  it('non-string values, empty strings and lone surrogates are refused', async () => {
    for (const listing of listings) {
      const key = decoded(listing.own);
      for (const name of Object.keys(key)) {
        for (const value of [5, null, true, { S: 'x' }, ['x'], '', '\ud800']) {
          await expectInvalidCursor(listing, cursorOf({ ...key, [name]: value }));
        }
      }
    }
  });

  it('garbage, non-objects and values outside the listing are refused', async () => {
    const garbage = ['!!!', 'e30', cursorOf([]), cursorOf('x'), cursorOf(null), cursorOf(42), 'bm90IGpzb24', '%%%', 'a b'];
    for (const listing of listings) {
      for (const cursor of garbage) await expectInvalidCursor(listing, cursor);
      const key = decoded(listing.own);
      const sortName = 'gsi1pk' in key ? 'pk' : 'sk';
      await expectInvalidCursor(listing, cursorOf({ ...key, [sortName]: 'ORG#not-this-listing' }));
    }
  });

  it('a huge cursor is a 400 whatever its size', async () => {
    for (const listing of listings) {
      const key = decoded(listing.own);
      const name = Object.keys(key).find((n) => n !== 'gsi1pk' && n !== 'pk' && n !== 'sk') ?? 'sk';
      // Within the query's 2,048 characters, but a key value DynamoDB would refuse.
      await expectInvalidCursor(listing, cursorOf({ ...key, [name]: `${String(key[name])}${'x'.repeat(1100)}` }));
      for (const size of [3000, 10_000]) {
        const res = await service.call('GET', listing.url('A'.repeat(size)), { token: listing.token });
        expect(res.status, `${listing.name} ${size}`).toBe(400);
      }
    }
  });
});
