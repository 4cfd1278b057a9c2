import { describe, expect, it } from 'vitest';
import {
  absorbScans,
  emptyRollup,
  MAX_CITIES_PER_ROLLUP,
  MAX_KEYS_PER_ROLLUP,
  summarizeRollups,
} from '#shared/scans/domain/scan-rollups';
import { padSequence, type SequencedScan } from '#shared/scans/domain/scans';

const scan = (n: number, over: Partial<SequencedScan> = {}): SequencedScan => ({
  requestId: `r${n}`,
  at: '2026-11-24T03:00:00.000Z',
  subject: { kind: 'unit', gtin: '09506000134352', lot: `L${n}`, serial: 'S' },
  place: { country: 'CN', province: 'CN-GD', city: `City${n}`, lat: 22.5, lon: 114.1 },
  ua: 'mobile_browser',
  shard: 's0',
  sequence: padSequence(String(n)),
  ...over,
});

describe('scan rollups', () => {
  it('stay bounded: cities and lots past the bound are counted apart, the total stays exact', () => {
    const many = Array.from({ length: MAX_CITIES_PER_ROLLUP + 25 }, (_, i) => scan(i + 1));
    const rollup = absorbScans({ kind: 'product', gtin: '09506000134352' }, emptyRollup('2026-11-24'), many);
    expect(rollup?.total).toBe(MAX_CITIES_PER_ROLLUP + 25);
    expect(Object.keys(rollup?.byCity ?? {})).toHaveLength(MAX_CITIES_PER_ROLLUP);
    expect(rollup?.otherCities).toBe(25);
    expect(Object.keys(rollup?.byKey ?? {})).toHaveLength(MAX_KEYS_PER_ROLLUP);
    expect(rollup?.otherKeys).toBe(MAX_CITIES_PER_ROLLUP + 25 - MAX_KEYS_PER_ROLLUP);
    // A city already on the map still counts there when the bound is reached.
    const again = absorbScans({ kind: 'product', gtin: '09506000134352' }, rollup ?? emptyRollup(''), [
      scan(10_000, { place: { country: 'CN', province: 'CN-GD', city: 'City1' } }),
    ]);
    expect(Object.values(again?.byCity ?? {}).find((c) => c.city === 'City1')?.count).toBe(2);
  });

  it('answer nothing to write when every scan was absorbed already', () => {
    const scope = { kind: 'area', area: 'CN-GD' } as const;
    const once = absorbScans(scope, emptyRollup('2026-11-24'), [scan(1), scan(2)]);
    expect(once?.total).toBe(2);
    expect(absorbScans(scope, once ?? emptyRollup(''), [scan(1), scan(2)])).toBeUndefined();
  });

  it('sum days into a map-ready summary, most scanned city first', () => {
    const scope = { kind: 'lot', gtin: '09506000134352', lot: 'L1' } as const;
    const place = { country: 'CN', province: 'CN-GD', city: 'Shenzhen', lat: 22.5, lon: 114.1 };
    const day1 = absorbScans(scope, emptyRollup('2026-11-23'), [scan(1, { place }), scan(2, { place: {} })]);
    const day2 = absorbScans(scope, emptyRollup('2026-11-24'), [
      scan(3, { place }),
      scan(4, { place: { ...place, city: 'Foshan' } }),
    ]);
    const summary = summarizeRollups([day1, day2].filter((r) => r !== undefined));
    expect(summary).toMatchObject({
      total: 4,
      unlocated: 1,
      byDay: [
        { day: '2026-11-23', count: 2 },
        { day: '2026-11-24', count: 2 },
      ],
      byCity: [
        { city: 'Shenzhen', province: 'CN-GD', country: 'CN', lat: 22.5, lon: 114.1, count: 2 },
        { city: 'Foshan', count: 1 },
      ],
      byKey: [],
    });
    expect(summary.byUa.mobile_browser).toBe(4);
  });

  it('keep a city placed only by name apart from the same name in a province, and without invented coordinates', () => {
    const scope = { kind: 'factory', orgId: 'org-1' } as const;
    const rollup = absorbScans(scope, emptyRollup('2026-11-24'), [
      scan(1, { place: { city: 'Springfield' } }),
      scan(2, { place: { city: 'Springfield' } }),
      scan(3, { place: { country: 'US', province: 'US-IL', city: 'Springfield', lat: 39.8 } }),
    ]);
    expect(rollup?.byCity).toEqual({
      '||Springfield': { city: 'Springfield', count: 2 },
      // A latitude without a longitude is no map point.
      'US|US-IL|Springfield': { city: 'Springfield', province: 'US-IL', country: 'US', count: 1 },
    });
    // A factory rollup counts GTINs.
    expect(rollup?.byKey).toEqual({ '09506000134352': 3 });
  });

  it('sum rollups stored before a user-agent class existed as zero for it, and order ties by name', () => {
    const scope = { kind: 'product', gtin: '09506000134352' } as const;
    const place = (city: string) => ({ country: 'CN', province: 'CN-GD', city });
    const fresh = absorbScans(scope, emptyRollup('2026-11-24'), [
      scan(1, { place: place('Zhuhai'), subject: { kind: 'unit', gtin: '09506000134352', lot: 'LB', serial: 'S' } }),
      scan(2, { place: place('Foshan'), subject: { kind: 'unit', gtin: '09506000134352', lot: 'LA', serial: 'S' } }),
    ]);
    if (fresh === undefined) throw new Error('nothing absorbed');
    const old = { ...emptyRollup('2026-11-23'), total: 1, byUa: {} };
    const summary = summarizeRollups([old, fresh]);
    expect(summary.byUa.mobile_browser).toBe(2);
    expect(Object.values(summary.byUa).reduce((a, b) => a + b, 0)).toBe(2);
    expect(summary.byCity.map((c) => c.city)).toEqual(['Foshan', 'Zhuhai']);
    expect(summary.byKey).toEqual([
      { key: 'LA', count: 1 },
      { key: 'LB', count: 1 },
    ]);
  });
});
