import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectIdOf } from '#shared/custody/domain/types';
import { listScanRollups } from '#shared/scans/store/scan-rollup-repository';
import { getUnitScans, listUnblocks } from '#shared/scans/store/unit-scan-repository';
import {
  alertsOfUnit,
  forgedDigsig,
  issueProductUnits,
  type ListedAlert,
  listAlerts,
  orgIn,
  type Unit,
  unblockPath,
} from '../support/anomalies';
import { listInbox } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * The scans of `npm start`'s gateway, drained by the real aggregator, as an anonymous
 * member of the public sends them. A log line says 200, not which verdict: only a genuine
 * label's scans may touch a unit, its flags or a rollup, and an unblock must hold.
 */
let service: TestService;
let adminToken: string;
type Org = { id: string; token: string };
let factory: Org;
let guangdong: Org;
let national: Org;
let zhejiang: Org;
let gtin: string;
let units: Unit[];

const unit = (index: number): Unit => {
  const found = units[index];
  if (found === undefined) throw new Error(`no unit ${index}`);
  return found;
};
const scanItemOf = (target: Unit) => getUnitScans(subjectIdOf({ kind: 'unit', gtin: target.gtin, serial: target.serial }));
const today = () => new Date().toISOString().slice(0, 10);

/** `times` anonymous GETs of a URI, one after the other, each answered 200; then the log is drained. */
const scan = async (uri: string, times: number): Promise<string[]> => {
  const statuses: string[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(uri, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    statuses.push(((await res.json()) as { status: string }).status);
  }
  await service.runtime.flushScans();
  return [...new Set(statuses)];
};

const forgedUri = (target: Unit, lot = target.lot): string => {
  const url = new URL(target.uri);
  url.pathname = `/01/${target.gtin}/10/${lot}/21/${target.serial}`;
  url.searchParams.set('8030', forgedDigsig(target.digsig));
  return url.toString();
};

const wavesOf = (alerts: readonly ListedAlert[]) =>
  alerts.filter((alert) => alert.rule === 'counterfeit_wave') as (ListedAlert & {
    product?: { gtin: string };
    day?: string;
    forged?: { invalid: number; unknown: number };
  })[];

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  guangdong = await orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou');
  national = await orgIn(service, adminToken, 'regulator', 'CN');
  zhejiang = await orgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  // Default rules: maxScans 50, blockAfterHits 3, counterfeitWaveAfter 20.
  ({ gtin, units } = await issueProductUnits(service, factory.token, 3));
});
afterAll(async () => service?.stop());

describe('attack: scans of a forged AI 8030 for a real serial', () => {
  it('53 of them leave the genuine unit unflagged and without a scan record', async () => {
    const target = unit(0);
    expect(await scan(forgedUri(target), 53)).toEqual(['invalid']);
    expect((await scanItemOf(target)).revision).toBe(0);
    const genuine = await fetch(target.uri, { headers: { accept: 'application/json' } });
    const verdict = (await genuine.json()) as { status: string; scanAlert?: unknown };
    expect(verdict.status).toBe('genuine');
    expect(verdict.scanAlert).toBeUndefined();
    expect(alertsOfUnit(await listAlerts(service, factory.token), target)).toEqual([]);
  });

  it('raise one counterfeit_wave alert for the product, read by its factory and the regulators concerned', async () => {
    const [wave, ...more] = wavesOf(await listAlerts(service, factory.token, `?rule=counterfeit_wave&gtin=${gtin}`));
    expect(more).toEqual([]);
    expect(wave).toMatchObject({
      status: 'open',
      product: { gtin },
      day: today(),
      count: 53,
      forged: { invalid: 53, unknown: 0 },
      provinces: ['CN-GD'],
    });
    expect(wave).not.toHaveProperty('unit');
    for (const regulator of [guangdong, national]) {
      expect(wavesOf(await listAlerts(service, regulator.token, `?gtin=${gtin}`)).map((alert) => alert.id)).toEqual([wave?.id]);
    }
    expect(wavesOf(await listAlerts(service, zhejiang.token, `?gtin=${gtin}`))).toEqual([]);
    const entries = (await listInbox(service, guangdong.token, '?kind=alert')).filter((entry) => entry.id === wave?.id);
    expect(entries.map((entry) => [entry.kind, entry.gtin, entry.status])).toEqual([['alert', gtin, 'new']]);
    const detail = await service.call('GET', `/v1/inbox/alert/${wave?.id}`, { token: guangdong.token });
    expect(((await detail.json()) as { alert?: { count: number } }).alert?.count).toBe(53);
  });

  it('the alert keeps counting the day instead of opening another', async () => {
    await scan(forgedUri(unit(1)), 2);
    const waves = wavesOf(await listAlerts(service, factory.token, `?gtin=${gtin}`));
    expect(waves.map((alert) => [alert.count, alert.forged?.invalid])).toEqual([[55, 55]]);
  });
});

describe('attack: forged scans of an invented lot of a registered GTIN', () => {
  it('create no rollup and no unit item', async () => {
    const invented = `FAKE${Date.now() % 1e6}`;
    const before = await listScanRollups({ kind: 'product', gtin }, today(), today());
    expect(await scan(forgedUri(unit(2), invented), 5)).toEqual(['invalid']);
    expect(await listScanRollups({ kind: 'lot', gtin, lot: invented }, today(), today())).toEqual([]);
    expect(await listScanRollups({ kind: 'product', gtin }, today(), today())).toEqual(before);
    expect((await getUnitScans(subjectIdOf({ kind: 'unit', gtin, serial: unit(2).serial }))).revision).toBe(0);
  });
});

describe('attack: an unblock that does not hold', () => {
  it('a unit blocked by too_many_scans, unblocked, then scanned three more times stays unblocked', async () => {
    const target = unit(2);
    // Answered before the log is drained: the block shows from the next scan on.
    expect(await scan(target.uri, 53)).toEqual(['genuine']);
    const blocked = (await scanItemOf(target)).state;
    expect([blocked.flag, blocked.flagRules, blocked.memory.count]).toEqual(['blocked', ['too_many_scans'], 53]);

    const res = await service.call('POST', unblockPath(target), {
      token: factory.token,
      body: { reason: 'Our own quality team rescanned it at the warehouse' },
    });
    expect(res.status).toBe(200);
    const unblocked = (await res.json()) as { unblockedAt: string; baselineReset: { scansBefore: number; since: string } };

    expect(await scan(target.uri, 3)).toEqual(['genuine']);
    // On the code we started from these three are scans 54 to 56: three hits, blocked again.
    const after = (await scanItemOf(target)).state;
    expect([after.flag, after.hits, after.memory.count]).toEqual([undefined, 0, 3]);
    expect(unblocked.baselineReset).toEqual({ scansBefore: 53, since: unblocked.unblockedAt });
    const [history, ...more] = await listUnblocks(subjectIdOf({ kind: 'unit', gtin, serial: target.serial }));
    expect(more).toEqual([]);
    expect(history).toMatchObject({
      flagBefore: 'blocked',
      hitsBefore: 3,
      baselineReset: { scansBefore: 53, since: unblocked.unblockedAt },
    });
    const verdict = (await (await fetch(target.uri, { headers: { accept: 'application/json' } })).json()) as {
      status: string;
      scanAlert?: unknown;
    };
    expect([verdict.status, verdict.scanAlert]).toEqual(['genuine', undefined]);
  });
});
