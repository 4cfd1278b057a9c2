import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueUnits } from '../support/custody';
import { factoryWithProduct, freshLicense, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import {
  CLAIMS_BEIJING,
  CLAIMS_URUMQI,
  inboxAlertsAbout,
  scanClaimingBeijingAndUrumqi,
  verdictOf,
} from '../support/viewer-location';

/**
 * Scans through the real local service: the gateway logs each verdict it answered, the
 * same aggregator as in AWS drains the log off the request path, and the summary route
 * reads exact counts back, to each audience only its own. The gateway simulates places
 * (TRACESEAL_SIMULATE_VIEWER_LOCATION): the CloudFront-Viewer-* headers sent to it stand for
 * what CloudFront would have observed.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true })));
afterAll(async () => service?.stop());

const SHENZHEN = {
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'GD',
  'CloudFront-Viewer-City': 'Shenzhen',
  'CloudFront-Viewer-Latitude': '22.5431',
  'CloudFront-Viewer-Longitude': '114.0579',
};
const GUANGZHOU = {
  ...SHENZHEN,
  'CloudFront-Viewer-City': 'Guangzhou',
  'CloudFront-Viewer-Latitude': '23.1291',
  'CloudFront-Viewer-Longitude': '113.2644',
};
const HANGZHOU = {
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'ZJ',
  'CloudFront-Viewer-City': 'Hangzhou',
};
const WECHAT = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47';

const visit = async (uri: string, headers: Record<string, string>, method = 'GET') => {
  const res = await fetch(uri, { method, headers: { accept: 'application/json', 'user-agent': WECHAT, ...headers } });
  await res.arrayBuffer();
  return res.status;
};

const regulator = async (region: string) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `Regulator ${region}`, role: 'regulator', region, licenseNumber: freshLicense() },
  });
  const { id } = (await res.json()) as { id: string };
  return service.token(id, 'regulator');
};

interface Summary {
  total: number;
  unlocated: number;
  byDay: { day: string; count: number }[];
  byCity: { city: string; province?: string; country?: string; lat?: number; lon?: number; count: number }[];
  byKey: { key: string; count: number }[];
  byUa: Record<string, number>;
}
const summary = async (token: string, query = '') => {
  const res = await service.call('GET', `/v1/scans/summary${query}`, { token });
  return { status: res.status, body: (await res.json()) as Summary };
};

describe('scan records through the local service', () => {
  let factory: { id: string; token: string };
  let gtin: string;
  const lot = `SC${Date.now() % 1e6}`;

  beforeAll(async () => {
    ({ factory, gtin } = await factoryWithProduct(service, adminToken));
    const [first = '', second = ''] = await issueUnits(service, factory.token, gtin, lot, 2);
    const answers = [
      await visit(first, SHENZHEN),
      await visit(first, SHENZHEN),
      await visit(`${first.replace('?', '/?')}`, SHENZHEN),
      await visit(second, GUANGZHOU),
      await visit(second, GUANGZHOU),
      await visit(second, HANGZHOU),
      await visit(second, {}),
    ];
    expect(answers.every((status) => status === 200)).toBe(true);
    // Not scans: a HEAD and a resolver lookup.
    await visit(first, SHENZHEN, 'HEAD');
    await visit(`${first}&linkType=all`, SHENZHEN);
    await service.runtime.flushScans();
  });

  it('gives the factory exact counts, by day and by city (map-ready), per lot', async () => {
    const { status, body } = await summary(factory.token);
    expect(status).toBe(200);
    expect(body.total).toBe(7);
    expect(body.unlocated).toBe(1);
    expect(body.byDay).toEqual([{ day: new Date().toISOString().slice(0, 10), count: 7 }]);
    expect(body.byCity).toEqual([
      { city: 'Shenzhen', province: 'CN-GD', country: 'CN', lat: 22.5, lon: 114.1, count: 3 },
      { city: 'Guangzhou', province: 'CN-GD', country: 'CN', lat: 23.1, lon: 113.3, count: 2 },
      { city: 'Hangzhou', province: 'CN-ZJ', country: 'CN', count: 1 },
    ]);
    expect(body.byKey).toEqual([{ key: gtin, count: 7 }]);
    expect(body.byUa.wechat).toBe(7);
    expect((await summary(factory.token, `?gtin=${gtin}`)).body.byKey).toEqual([{ key: lot, count: 7 }]);
    expect((await summary(factory.token, `?gtin=${gtin}&lot=${lot}`)).body.total).toBe(7);
  });

  it('gives a provincial regulator the scans made in its province, a national one the country’s', async () => {
    const guangdong = await summary(await regulator('CN-GD Shenzhen'));
    expect(guangdong.status).toBe(200);
    expect(guangdong.body.total).toBeGreaterThanOrEqual(5);
    expect(guangdong.body.byCity.map((c) => c.province)).not.toContain('CN-ZJ');
    const national = await summary(await regulator('CN'));
    expect(national.body.total - guangdong.body.total).toBeGreaterThanOrEqual(1);
  });

  it('refuses another factory, a distributor, and a regulator filtering by product', async () => {
    const other = await registerOrg(service, 'factory', adminToken);
    expect((await summary(other.token, `?gtin=${gtin}`)).status).toBe(403);
    expect((await summary(other.token)).body.total).toBe(0);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    expect((await summary(distributor.token)).status).toBe(403);
    expect((await summary(await regulator('CN-GD Foshan'), `?gtin=${gtin}`)).status).toBe(400);
    expect((await summary(factory.token, `?lot=${lot}`)).status).toBe(400);
    expect((await summary(factory.token, '?from=2026-01-01&to=2026-06-30')).status).toBe(400);
  });

  it('logs the scans to DATA_DIR/scan-log without any address', async () => {
    const log = await readFile(join(service.runtime.dataDir, 'scan-log', 'scans.ndjson'), 'utf8');
    expect(log.trim().split('\n')).toHaveLength(7);
    expect(log).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
  });
});

describe('simulated places (TRACESEAL_SIMULATE_VIEWER_LOCATION=1)', () => {
  it('takes claimed places as CloudFront’s: Beijing, Urumqi, Beijing, Urumqi blocks the unit and alerts both provinces', async () => {
    // The same requests as in viewer-location.test.ts, where the gateway does not simulate.
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [uri = ''] = await issueUnits(service, factory.token, gtin, `SIM${Date.now() % 1e6}`, 1);
    const beijing = await regulator('CN-BJ Beijing');
    const xinjiang = await regulator('CN-XJ Urumqi');
    await scanClaimingBeijingAndUrumqi(service, uri);
    expect((await verdictOf(uri)).scanAlert).toMatchObject({ level: 'blocked', rules: ['impossible_travel'] });
    expect(await inboxAlertsAbout(service, beijing, gtin)).toHaveLength(1);
    expect(await inboxAlertsAbout(service, xinjiang, gtin)).toHaveLength(1);
  });

  it('brings an alert to each province its hits were in, whichever batch each hit arrived in', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [uri = ''] = await issueUnits(service, factory.token, gtin, `SEP${Date.now() % 1e6}`, 1);
    const beijing = await regulator('CN-BJ Beijing');
    const xinjiang = await regulator('CN-XJ Urumqi');
    // One scan a batch: the alert opens in Urumqi, its next hit is in Beijing.
    for (const claim of [CLAIMS_BEIJING, CLAIMS_URUMQI, CLAIMS_BEIJING]) {
      const res = await fetch(uri, { headers: { accept: 'application/json', ...claim } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      await service.runtime.flushScans();
    }
    const [inXinjiang] = await inboxAlertsAbout(service, xinjiang, gtin);
    const [inBeijing] = await inboxAlertsAbout(service, beijing, gtin);
    expect(inBeijing).toBeDefined();
    expect(inBeijing?.id).toBe(inXinjiang?.id);
    // The entry, read in either province, names both, and moves in both.
    const moved = await service.call('POST', `/v1/inbox/alert/${inBeijing?.id}/status`, {
      token: beijing,
      body: { status: 'investigating', note: 'Checking both scans' },
    });
    expect(moved.status).toBe(200);
    expect((await inboxAlertsAbout(service, xinjiang, gtin))[0]?.status).toBe('investigating');
  });
});
