import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectIdOf } from '#shared/custody/domain/types';
import { recordUnitScans } from '#shared/scans/services/unit-scans';
import { getUnitScans } from '#shared/scans/store/unit-scan-repository';
import {
  BEIJING,
  issueProductUnits,
  listAlerts,
  minutesFrom,
  orgIn,
  SHENZHEN,
  scanStream,
  type Unit,
  unblockPath,
} from '../support/anomalies';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A unit's scan item against DynamoDB Local: each scan counts once however often its batch
 * is delivered; codes we never issued leave nothing behind; who may read and set the rules.
 */
let service: TestService;
let adminToken: string;
let factory: { id: string; token: string };
let gtin: string;
let units: Unit[];
const scanOf = scanStream();
const start = new Date();

const unit = (index: number): Unit => {
  const found = units[index];
  if (found === undefined) throw new Error(`no unit ${index}`);
  return found;
};
const stateOf = async (target: Unit) =>
  (await getUnitScans(subjectIdOf({ kind: 'unit', gtin: target.gtin, serial: target.serial }))).state;
const unitKey = (target: Unit) => ({ gtin: target.gtin, lot: target.lot, serial: target.serial });

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  ({ gtin, units } = await issueProductUnits(service, factory.token, 4));
});
afterAll(async () => service?.stop());

describe('exactly once', () => {
  it('the same scans delivered twice (and a split replay) count once and raise one hit', async () => {
    const target = unit(0);
    const batch = [scanOf(target, SHENZHEN, start), scanOf(target, BEIJING, minutesFrom(start, 20))];
    await recordUnitScans({ unit: unitKey(target), scans: batch });
    const once = await stateOf(target);
    await recordUnitScans({ unit: unitKey(target), scans: batch });
    await recordUnitScans({ unit: unitKey(target), scans: batch.slice(1) });
    const again = await stateOf(target);
    expect(once.memory.count).toBe(2);
    expect(again).toEqual(once);
    expect(again.openAlerts.impossible_travel?.count).toBe(1);
  });

  it('a replay mixed with new scans counts only the new ones', async () => {
    const target = unit(1);
    const first = [scanOf(target, SHENZHEN, start), scanOf(target, SHENZHEN, minutesFrom(start, 5))];
    await recordUnitScans({ unit: unitKey(target), scans: first });
    const next = scanOf(target, SHENZHEN, minutesFrom(start, 10));
    await recordUnitScans({ unit: unitKey(target), scans: [...first, next] });
    const state = await stateOf(target);
    expect(state.memory.count).toBe(3);
    expect(state.memory.lastAt).toBe(next.at);
  });

  it('concurrent deliveries of one batch still count once', async () => {
    const target = unit(2);
    const batch = Array.from({ length: 5 }, (_, i) => scanOf(target, SHENZHEN, minutesFrom(start, i)));
    await Promise.all(Array.from({ length: 6 }, () => recordUnitScans({ unit: unitKey(target), scans: batch })));
    expect((await stateOf(target)).memory.count).toBe(5);
  });

  it('a serial we never issued leaves no item', async () => {
    const forged: Unit = { ...unit(3), serial: '0000000000000000' };
    await recordUnitScans({ unit: unitKey(forged), scans: [scanOf(forged, SHENZHEN, start)] });
    expect((await stateOf(forged)).memory.count).toBe(0);
    expect((await getUnitScans(subjectIdOf({ kind: 'unit', gtin, serial: forged.serial }))).revision).toBe(0);
  });
});

describe("a lot's intended markets", () => {
  it('are kept on the batch; a code that is not ISO 3166 is 400 and issues nothing', async () => {
    const { gtin: other } = await issueProductUnits(service, factory.token, 1, ['CN-GD', 'HK']);
    const listed = await service.call('GET', '/v1/batches', { token: factory.token });
    const batches = ((await listed.json()) as { batches: { gtin: string; intendedMarkets?: string[] }[] }).batches;
    expect(batches.find((batch) => batch.gtin === other)?.intendedMarkets).toEqual(['CN-GD', 'HK']);
    for (const intendedMarkets of [['China'], ['cn'], [], ['CN-GD-SZ']]) {
      const res = await service.call('POST', '/v1/batches', {
        token: factory.token,
        body: { gtin, lot: 'LOT-BAD', productionDate: '2026-11-01', count: 1, intendedMarkets },
      });
      expect(res.status).toBe(400);
    }
  });
});

describe('authorization matrix', () => {
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    for (const role of ['distributor', 'regulator', 'admin'] as const) {
      tokens.set(role, role === 'admin' ? adminToken : (await orgIn(service, adminToken, role, 'CN-GD Guangzhou')).token);
    }
    tokens.set('owner', factory.token);
    tokens.set('other factory', (await orgIn(service, adminToken, 'factory', 'CN-GD Dongguan')).token);
  });
  const rulesPath = () => `/v1/products/${gtin}/scan-rules`;

  it.each([
    ['owner', 200],
    ['regulator', 200],
    ['other factory', 403],
    ['distributor', 403],
    ['admin', 403],
  ])('GET scan rules as %s is %i', async (who, status) => {
    expect((await service.call('GET', rulesPath(), { token: tokens.get(who) ?? '' })).status).toBe(status);
  });

  it.each([
    ['owner', 200],
    ['regulator', 403],
    ['other factory', 403],
    ['distributor', 403],
    ['admin', 403],
  ])('PUT scan rules as %s is %i', async (who, status) => {
    const res = await service.call('PUT', rulesPath(), { token: tokens.get(who) ?? '', body: { maxScans: 40 } });
    expect(res.status).toBe(status);
  });

  it('the rules read back as set, with the defaults filled in; a bad rule is 400 and changes nothing', async () => {
    expect((await service.call('PUT', rulesPath(), { token: factory.token, body: { maxScans: -1 } })).status).toBe(400);
    const bogus = await service.call('PUT', rulesPath(), { token: factory.token, body: { enabledRules: ['nope'] } });
    expect(bogus.status).toBe(400);
    const res = await service.call('GET', rulesPath(), { token: factory.token });
    expect(await res.json()).toMatchObject({
      gtin,
      defaults: false,
      rules: { maxScans: 40, maxTravelKmh: 900, blockAfterHits: 3, enabledRules: expect.arrayContaining(['far_from_sale']) },
    });
  });

  it.each([
    ['owner', 200],
    ['regulator', 200],
    ['distributor', 403],
    ['admin', 403],
  ])('GET /v1/alerts as %s is %i', async (who, status) => {
    expect((await service.call('GET', '/v1/alerts', { token: tokens.get(who) ?? '' })).status).toBe(status);
  });

  it('no token is 401 on every route', async () => {
    for (const [method, path] of [
      ['GET', rulesPath()],
      ['PUT', rulesPath()],
      ['GET', '/v1/alerts'],
      ['POST', unblockPath(unit(0))],
    ] as const) {
      const res = await service.call(method, path, method === 'GET' ? {} : { body: { reason: 'x' } });
      expect(res.status).toBe(401);
    }
  });

  it('a regulator reads only its own province: another province sees nothing of this factory', async () => {
    const zhejiang = await orgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
    const mine = await listAlerts(service, zhejiang.token, `?gtin=${gtin}`);
    expect(mine).toEqual([]);
    expect((await listAlerts(service, factory.token, `?gtin=${gtin}`)).length).toBeGreaterThan(0);
  });

  it('a cursor from another listing is 400', async () => {
    const foreign = Buffer.from(JSON.stringify({ pk: 'ALERTS#ORG#someone-else', sk: 'ALERT#2026' })).toString('base64url');
    expect((await service.call('GET', `/v1/alerts?cursor=${foreign}`, { token: factory.token })).status).toBe(400);
  });
});
