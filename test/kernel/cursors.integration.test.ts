import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScans } from '#shared/scans/services/scan-aggregator';
import { HANOI, issueProductUnits, scanStream } from '../support/anomalies';
import { postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A cursor comes back only to the listing, parameters and caller it was handed to. Before,
 * a genuine cursor reused with another range reached DynamoDB outside the query's bounds
 * (a ValidationException: 500 on /v1/alerts, /v1/reports and /v1/inbox), and an EPCIS page
 * token anyone could forge (its binding was a hash of public values) with an impossible day
 * made the reader build an invalid date (500). (Every listing's cursor, replayed elsewhere
 * and altered, is in test/fuzz/api-fuzz.test.ts.)
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const today = new Date().toISOString().slice(0, 10);

const page = async (path: string, token: string) => {
  const res = await service.call('GET', path, { token });
  const body = (await res.json()) as { cursor?: string; error?: { code: string } };
  return { status: res.status, code: body.error?.code, cursor: body.cursor };
};

/** The cursor of the first page over this whole year, replayed over January only. */
const replayOverAnotherRange = async (path: string, token: string) => {
  const first = await page(`${path}&limit=1&from=2026-01-01&to=${today}`, token);
  expect(first.status).toBe(200);
  expect(first.cursor).toBeDefined();
  const own = await page(`${path}&limit=1&from=2026-01-01&to=${today}&cursor=${first.cursor ?? ''}`, token);
  expect(own.status).toBe(200);
  return page(`${path}&limit=1&from=2026-01-01&to=2026-01-31&cursor=${first.cursor ?? ''}`, token);
};

describe('a genuine cursor reused outside its range', () => {
  it('is 400 INVALID_CURSOR on /v1/reports and /v1/inbox', async () => {
    const regulator = await registerOrg(service, 'regulator', adminToken);
    for (let i = 0; i < 2; i++) {
      const res = await service.call('POST', '/v1/reports', {
        body: { place: 'Market stall', city: 'Somewhere', description: 'A helmet with a blurred label.' },
        headers: { 'cloudfront-viewer-address': `203.0.113.${i + 20}:5000${i}` },
      });
      expect(res.status).toBe(202);
    }
    expect(await replayOverAnotherRange('/v1/reports?unlocated=true', regulator.token)).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
      cursor: undefined,
    });
    expect(await replayOverAnotherRange('/v1/inbox?unlocated=true', regulator.token)).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
      cursor: undefined,
    });
  });

  it('is 400 INVALID_CURSOR on /v1/alerts', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const { units } = await issueProductUnits(service, factory.token, 2, ['CN']);
    const scanOf = scanStream();
    await aggregateScans(units.map((unit) => scanOf(unit, HANOI, new Date())));
    expect(await replayOverAnotherRange('/v1/alerts?rule=outside_market', factory.token)).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
      cursor: undefined,
    });
  });
});

describe('a forged EPCIS page token', () => {
  it('with an impossible day is 400 INVALID_CURSOR, not a 500', async () => {
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const query = { perPage: '1' };
    // The token as anyone could make it before: a hash of the filters and the caller, and a position.
    const q = createHash('sha256')
      .update(JSON.stringify([[], regulator.id, 'regulator']))
      .digest('base64url')
      .slice(0, 22);
    for (const a of ['2026-01-99~', '2026-13~', '2026-02-30T00:00:00.000Z#x']) {
      const token = Buffer.from(JSON.stringify({ q, a })).toString('base64url');
      const res = await service.call('GET', `/v1/epcis/events?${new URLSearchParams({ ...query, nextPageToken: token })}`, {
        token: regulator.token,
      });
      expect({ a, status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code }).toEqual({
        a,
        status: 400,
        code: 'INVALID_CURSOR',
      });
    }
  });

  it('handed out to a factory is refused to a distributor of the same events', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const res = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'CUR-EPCIS', productionDate: '2026-11-01', count: 2 },
    });
    const { codes } = (await res.json()) as { codes: string[] };
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
    }
    const first = await service.call('GET', '/v1/epcis/events?perPage=1', { token: factory.token });
    const link = first.headers.get('link') ?? '';
    const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? '';
    expect(next).toContain('nextPageToken=');
    expect((await service.call('GET', next, { token: factory.token })).status).toBe(200);
    const theirs = await service.call('GET', next, { token: distributor.token });
    expect({ status: theirs.status, code: ((await theirs.json()) as { error?: { code: string } }).error?.code }).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
    });
  });
});
