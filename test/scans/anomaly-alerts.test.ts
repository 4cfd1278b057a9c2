import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectIdOf } from '#shared/custody/domain/types';
import { aggregateScans } from '#shared/scans/services/scan-aggregator';
import { getUnitScans, listUnblocks } from '#shared/scans/store/unit-scan-repository';
import {
  alertsOfUnit,
  BEIJING,
  HANOI,
  issueProductUnits,
  listAlerts,
  minutesFrom,
  orgIn,
  SHENZHEN,
  scanStream,
  type Unit,
  unblockPath,
} from '../support/anomalies';
import { custodyEvent, postEvents } from '../support/custody';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Each rule driven by a synthetic scan stream through the real aggregator (as Kinesis or the
 * local scan log hands it batches), then read back through GET /v1/alerts by the factory and
 * by the regulators concerned; blocking and the factory's unblock.
 */
let service: TestService;
let adminToken: string;
type Org = { id: string; token: string };
let factory: Org;
let guangdong: Org;
let beijing: Org;
let national: Org;
let zhejiang: Org;
let gtin: string;
let units: Unit[];
const scanOf = scanStream();
// Scans are stamped from now on, so they come after any sale the test records.
const start = minutesFrom(new Date(), 1);

const unit = (index: number): Unit => {
  const found = units[index];
  if (found === undefined) throw new Error(`no unit ${index}`);
  return found;
};
const flagOf = async (target: Unit) =>
  (await getUnitScans(subjectIdOf({ kind: 'unit', gtin: target.gtin, serial: target.serial }))).state;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  guangdong = await orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou');
  beijing = await orgIn(service, adminToken, 'regulator', 'CN-BJ Beijing');
  national = await orgIn(service, adminToken, 'regulator', 'CN');
  zhejiang = await orgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  ({ gtin, units } = await issueProductUnits(service, factory.token, 6, ['CN']));
  const rules = await service.call('PUT', `/v1/products/${gtin}/scan-rules`, {
    token: factory.token,
    body: { maxScans: 5, blockAfterHits: 3 },
  });
  expect(rules.status).toBe(200);
});
afterAll(async () => service?.stop());

describe('each rule raises an alert the factory and the regulators concerned read', () => {
  it('more than N scans: one open alert that keeps counting, the unit suspect', async () => {
    const target = unit(0);
    await aggregateScans(Array.from({ length: 7 }, (_, i) => scanOf(target, SHENZHEN, minutesFrom(start, i * 60))));
    const [alert, ...more] = alertsOfUnit(await listAlerts(service, factory.token), target);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ rule: 'too_many_scans', status: 'open', count: 2, provinces: ['CN-GD'] });
    expect((await flagOf(target)).flag).toBe('suspect');
    expect(alertsOfUnit(await listAlerts(service, guangdong.token), target)).toHaveLength(1);
    expect(alertsOfUnit(await listAlerts(service, national.token), target)).toHaveLength(1);
    expect(alertsOfUnit(await listAlerts(service, zhejiang.token), target)).toEqual([]);
  });

  it('impossible travel: Shenzhen then Beijing half an hour later', async () => {
    const target = unit(1);
    await aggregateScans([scanOf(target, SHENZHEN, start), scanOf(target, BEIJING, minutesFrom(start, 30))]);
    const alerts = alertsOfUnit(await listAlerts(service, beijing.token), target);
    expect(alerts.map((alert) => [alert.rule, alert.provinces])).toEqual([['impossible_travel', ['CN-BJ', 'CN-GD']]]);
    expect(alertsOfUnit(await listAlerts(service, factory.token, '?rule=impossible_travel'), target)).toHaveLength(1);
    expect(alertsOfUnit(await listAlerts(service, factory.token, '?rule=too_many_scans'), target)).toEqual([]);
  });

  it('outside the intended market: a lot for China scanned in Hanoi', async () => {
    const target = unit(2);
    await aggregateScans([scanOf(target, HANOI, start)]);
    const alerts = alertsOfUnit(await listAlerts(service, factory.token, `?gtin=${gtin}`), target);
    expect(alerts.map((alert) => alert.rule)).toEqual(['outside_market']);
    expect(alertsOfUnit(await listAlerts(service, guangdong.token), target)).toHaveLength(1);
  });

  it('far from the sale: a scan before the sale is fine, one after it in another province is not', async () => {
    const target = unit(3);
    await aggregateScans([scanOf(target, BEIJING, new Date(Date.now() - 3_600_000))]);
    const sold = await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [target.uri] })]);
    expect(sold.results.map((result) => result.status)).toEqual(['recorded']);
    expect(alertsOfUnit(await listAlerts(service, factory.token), target)).toEqual([]);
    await aggregateScans([scanOf(target, BEIJING, minutesFrom(start, 24 * 60))]);
    const alerts = alertsOfUnit(await listAlerts(service, beijing.token), target);
    expect(alerts.map((alert) => alert.rule)).toEqual(['far_from_sale']);
  });

  it('an alert is filed in the regulators\u2019 inbox', async () => {
    const [alert] = alertsOfUnit(await listAlerts(service, beijing.token), unit(1));
    const res = await service.call('GET', `/v1/inbox/alert/${alert?.id}`, { token: beijing.token });
    expect(res.status).toBe(200);
    // The entry shows the alert as it now stands, beside its history.
    const detail = (await res.json()) as { entry: { status: string }; alert?: { id: string; rule: string; count: number } };
    expect(detail.entry.status).toBe('new');
    expect(detail.alert).toMatchObject({ id: alert?.id, rule: alert?.rule });
    expect(detail.alert?.count).toBeGreaterThanOrEqual(1);
  });
});

describe('blocking and unblocking', () => {
  const target = () => unit(4);

  it('past blockAfterHits the code is blocked', async () => {
    await aggregateScans(Array.from({ length: 8 }, (_, i) => scanOf(target(), SHENZHEN, minutesFrom(start, i * 60))));
    const state = await flagOf(target());
    expect(state.flag).toBe('blocked');
    expect(state.flagRules).toEqual(['too_many_scans']);
    const [alert] = alertsOfUnit(await listAlerts(service, factory.token), target());
    expect(alert).toMatchObject({ status: 'open', count: 3, unitFlag: 'blocked' });
  });

  it('attack: raising the thresholds does not silence the open alert or the block', async () => {
    const loosened = await service.call('PUT', `/v1/products/${gtin}/scan-rules`, {
      token: factory.token,
      body: { maxScans: 100_000, blockAfterHits: 100_000 },
    });
    expect(loosened.status).toBe(200);
    await aggregateScans([scanOf(target(), SHENZHEN, minutesFrom(start, 10 * 60))]);
    expect((await flagOf(target())).flag).toBe('blocked');
    const [alert] = alertsOfUnit(await listAlerts(service, guangdong.token), target());
    expect(alert?.status).toBe('open');
  });

  it.each([
    ['a distributor', 'distributor'],
    ['another factory', 'factory'],
    ['a regulator', 'regulator'],
  ] as const)('attack: %s cannot unblock (403)', async (_who, role) => {
    const other = await orgIn(service, adminToken, role, 'CN-GD Shenzhen');
    const res = await service.call('POST', unblockPath(target()), { token: other.token, body: { reason: 'looks fine to me' } });
    expect(res.status).toBe(403);
    expect((await flagOf(target())).flag).toBe('blocked');
  });

  it.each([[{}], [{ reason: '' }], [{ reason: '   ' }]])('attack: unblocking without a reason is 400 (%j)', async (body) => {
    const res = await service.call('POST', unblockPath(target()), { token: factory.token, body });
    expect(res.status).toBe(400);
    expect((await flagOf(target())).flag).toBe('blocked');
  });

  it('the owner factory unblocks with a reason: flag cleared, alert closed, history kept', async () => {
    const [open] = alertsOfUnit(await listAlerts(service, factory.token), target());
    const res = await service.call('POST', unblockPath(target()), {
      token: factory.token,
      body: { reason: 'Inspected at the customer: genuine, the buyer rescanned it daily' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ flagBefore: 'blocked', unblockedBy: factory.id, closedAlerts: [open?.id] });
    const state = await flagOf(target());
    expect([state.flag, state.hits, state.flagRules]).toEqual([undefined, 0, []]);
    const [closed] = alertsOfUnit(await listAlerts(service, national.token), target());
    expect(closed).toMatchObject({ id: open?.id, status: 'closed', closeReason: expect.stringContaining('Inspected') });
    const history = await listUnblocks(subjectIdOf({ kind: 'unit', gtin, serial: target().serial }));
    expect(history.map((entry) => [entry.by, entry.flagBefore, entry.hitsBefore])).toEqual([[factory.id, 'blocked', 3]]);
  });

  it('a unit that is not flagged has nothing to unblock (409)', async () => {
    const res = await service.call('POST', unblockPath(target()), { token: factory.token, body: { reason: 'again' } });
    expect(res.status).toBe(409);
  });

  it('a later pattern blocks it again, under a new alert', async () => {
    await service.call('PUT', `/v1/products/${gtin}/scan-rules`, { token: factory.token, body: { blockAfterHits: 2 } });
    await aggregateScans([
      scanOf(target(), SHENZHEN, minutesFrom(start, 20 * 60)),
      scanOf(target(), BEIJING, minutesFrom(start, 20 * 60 + 10)),
      scanOf(target(), SHENZHEN, minutesFrom(start, 20 * 60 + 20)),
    ]);
    expect((await flagOf(target())).flag).toBe('blocked');
    const alerts = alertsOfUnit(await listAlerts(service, factory.token), target());
    expect(alerts.map((alert) => [alert.rule, alert.status]).sort()).toEqual([
      ['impossible_travel', 'open'],
      ['too_many_scans', 'closed'],
    ]);
  });
});
