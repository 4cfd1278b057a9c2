import { randomUUID } from 'node:crypto';
import type { ScanPlace } from '#kernel/places/viewer-place';
import type { Role } from '#kernel/roles';
import { padSequence, type SequencedScan } from '#shared/scans/domain/scans';
import { freshGtin, productBody } from './fixtures';
import type { TestService } from './local-service';
import { registerOrgIn } from './reports';

export const SHENZHEN: ScanPlace = { country: 'CN', province: 'CN-GD', city: 'Shenzhen', lat: 22.5, lon: 114.1 };
export const BEIJING: ScanPlace = { country: 'CN', province: 'CN-BJ', city: 'Beijing', lat: 39.9, lon: 116.4 };
export const HANOI: ScanPlace = { country: 'VN', province: 'VN-HN', city: 'Hanoi', lat: 21.0, lon: 105.8 };

export interface Unit {
  gtin: string;
  lot: string;
  serial: string;
  /** The label's AI 8030: a scan the aggregator counts must carry it. */
  digsig: string;
  uri: string;
}

export const unitOf = (uri: string): Unit => {
  const url = new URL(uri);
  const [, , gtin = '', , lot = '', , serial = ''] = url.pathname.split('/');
  return { gtin, lot, serial, digsig: url.searchParams.get('8030') ?? '', uri };
};

/**
 * The label's AI 8030 with one signature character changed: what a counterfeiter who read
 * the serial off a genuine label, but holds no key, prints. Well-formed, so the verify path
 * answers it `invalid` (200), not 400.
 */
export const forgedDigsig = (digsig: string): string => {
  const index = 40;
  const swapped = digsig[index] === 'A' ? 'B' : 'A';
  return `${digsig.slice(0, index)}${swapped}${digsig.slice(index + 1)}`;
};

/** A product of a factory, and `count` units of one lot (with optional intended markets). */
export const issueProductUnits = async (
  service: TestService,
  factoryToken: string,
  count: number,
  intendedMarkets?: string[],
): Promise<{ gtin: string; units: Unit[] }> => {
  const gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', { token: factoryToken, body: productBody(gtin) });
  if (product.status !== 201) throw new Error(`product: ${product.status} ${await product.text()}`);
  const res = await service.call('POST', '/v1/batches', {
    token: factoryToken,
    body: {
      gtin,
      lot: 'LOT-A',
      productionDate: '2026-11-01',
      count,
      ...(intendedMarkets === undefined ? {} : { intendedMarkets }),
    },
  });
  if (res.status !== 201) throw new Error(`batch: ${res.status} ${await res.text()}`);
  return { gtin, units: ((await res.json()) as { codes: string[] }).codes.map(unitOf) };
};

/** A stream shard of this test file's own: its sequence numbers start over. */
export const scanStream = () => {
  const shard = `test-${randomUUID()}`;
  let sequence = 0;
  return (unit: Unit, place: ScanPlace, at: Date, digsig = unit.digsig): SequencedScan => ({
    requestId: randomUUID(),
    at: at.toISOString(),
    subject: { kind: 'unit', gtin: unit.gtin, lot: unit.lot, serial: unit.serial, digsig },
    place,
    ua: 'wechat',
    shard,
    sequence: padSequence(String(++sequence)),
  });
};

export const minutesFrom = (start: Date, minutes: number): Date => new Date(start.getTime() + minutes * 60_000);

export interface ListedAlert {
  id: string;
  status: 'open' | 'closed';
  rule: string;
  /** Every rule but counterfeit_wave, which is about a product. */
  unit?: { gtin: string; lot: string; serial: string };
  provinces: string[];
  count: number;
  unitFlag: string;
  closeReason?: string;
}

export const listAlerts = async (service: TestService, token: string, query = ''): Promise<ListedAlert[]> => {
  const res = await service.call('GET', `/v1/alerts${query}`, { token });
  if (res.status !== 200) throw new Error(`alerts: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { alerts: ListedAlert[] }).alerts;
};

export const alertsOfUnit = (alerts: readonly ListedAlert[], unit: Unit) =>
  alerts.filter((alert) => alert.unit?.serial === unit.serial && alert.unit?.gtin === unit.gtin);

export const orgIn = (service: TestService, adminToken: string, role: Role, region: string) =>
  registerOrgIn(service, adminToken, role, region);

export const unblockPath = (unit: Unit) => `/v1/units/01/${unit.gtin}/10/${unit.lot}/21/${unit.serial}/unblock`;
