import { describe, expect, it } from 'vitest';
import type { ScanPlace } from '#kernel/places/viewer-place';
import {
  DEFAULT_SCAN_RULES,
  evaluateScans,
  freshBaseline,
  haversineKm,
  impossibleTravel,
  nextFlag,
  RECENT_PLACES,
  type ScanRules,
  type UnitContext,
  type UnitScanMemory,
} from '#shared/scans/domain/scan-rules';
import type { ScanRecord } from '#shared/scans/domain/scans';

const SHENZHEN: ScanPlace = { country: 'CN', province: 'CN-GD', city: 'Shenzhen', lat: 22.5, lon: 114.1 };
const GUANGZHOU: ScanPlace = { country: 'CN', province: 'CN-GD', city: 'Guangzhou', lat: 23.1, lon: 113.3 };
const BEIJING: ScanPlace = { country: 'CN', province: 'CN-BJ', city: 'Beijing', lat: 39.9, lon: 116.4 };
const DONGGUAN_NO_COORDS: ScanPlace = { country: 'CN', province: 'CN-GD', city: 'Dongguan' };
const HEFEI_NO_COORDS: ScanPlace = { country: 'CN', province: 'CN-AH', city: 'Hefei' };
const HANOI: ScanPlace = { country: 'VN', province: 'VN-HN', city: 'Hanoi', lat: 21.0, lon: 105.8 };

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
let seq = 0;
const scan = (place: ScanPlace, minutesAfterT0: number): ScanRecord => ({
  requestId: `req-${++seq}`,
  at: new Date(T0 + minutesAfterT0 * 60_000).toISOString(),
  subject: { kind: 'unit', gtin: '06952012345683', lot: 'L1', serial: 'S1' },
  place,
  ua: 'wechat',
});
const EMPTY: UnitScanMemory = { count: 0, recent: [] };
const rules = (overrides: Partial<ScanRules> = {}): ScanRules => ({ ...DEFAULT_SCAN_RULES, ...overrides });
const rulesHit = (scans: ScanRecord[], context: UnitContext = {}, r = rules(), memory = EMPTY) =>
  evaluateScans(memory, scans, r, context).hits.map((hit) => [hit.rule, hit.requestId]);

describe('more than N scans', () => {
  it('hits every scan past maxScans, counting the stored scans too', () => {
    const stream = [0, 1, 2, 3].map((minute) => scan(SHENZHEN, minute * 60));
    const memory: UnitScanMemory = { count: 2, recent: [] };
    const hits = rulesHit(stream, {}, rules({ maxScans: 4 }), memory);
    expect(hits).toEqual([
      ['too_many_scans', stream[2]?.requestId],
      ['too_many_scans', stream[3]?.requestId],
    ]);
  });

  it('exactly maxScans is fine', () => {
    expect(
      rulesHit(
        [0, 1, 2].map((minute) => scan(SHENZHEN, minute)),
        {},
        rules({ maxScans: 3 }),
      ),
    ).toEqual([]);
  });

  it('counts, first and last time and bounded places are carried over', () => {
    const stream = Array.from({ length: RECENT_PLACES + 5 }, (_, i) => scan(SHENZHEN, i));
    const { memory } = evaluateScans(EMPTY, stream, rules(), {});
    expect(memory.count).toBe(RECENT_PLACES + 5);
    expect(memory.firstAt).toBe(stream[0]?.at);
    expect(memory.lastAt).toBe(stream.at(-1)?.at);
    expect(memory.recent).toHaveLength(RECENT_PLACES);
    expect(memory.recent.at(-1)?.at).toBe(stream.at(-1)?.at);
  });
});

describe('impossible travel', () => {
  it('Shenzhen then Beijing (about 1,950 km) within an hour is impossible', () => {
    const stream = [scan(SHENZHEN, 0), scan(BEIJING, 60)];
    expect(rulesHit(stream)).toEqual([['impossible_travel', stream[1]?.requestId]]);
  });

  it('the same trip over four hours is a flight, not a clone', () => {
    expect(rulesHit([scan(SHENZHEN, 0), scan(BEIJING, 240)])).toEqual([]);
  });

  it('two scans in one city at the same instant are one place (the slack absorbs rounding)', () => {
    expect(rulesHit([scan(SHENZHEN, 0), scan({ ...SHENZHEN, lat: 22.6, lon: 114.0 }, 0)])).toEqual([]);
  });

  it('Shenzhen to Guangzhou (about 110 km, 60 beyond the slack) in 2 minutes is impossible, in 2 hours ordinary', () => {
    expect(rulesHit([scan(SHENZHEN, 0), scan(GUANGZHOU, 2)]).map(([rule]) => rule)).toEqual(['impossible_travel']);
    expect(rulesHit([scan(SHENZHEN, 0), scan(GUANGZHOU, 120)])).toEqual([]);
  });

  it('checks against the stored places, not only the batch', () => {
    const memory: UnitScanMemory = { count: 1, recent: [{ ...BEIJING, at: new Date(T0).toISOString() }] };
    const later = scan(SHENZHEN, 30);
    expect(rulesHit([later], {}, rules(), memory)).toEqual([['impossible_travel', later.requestId]]);
  });

  it('catches a clone alternating with the genuine unit, whatever sits in between', () => {
    const stream = [scan(BEIJING, 0), scan(BEIJING, 20), scan(SHENZHEN, 40)];
    expect(rulesHit(stream).map(([, id]) => id)).toEqual([stream[2]?.requestId]);
  });

  it('without coordinates: different provinces and cities minutes apart is clearly far', () => {
    const stream = [scan(HEFEI_NO_COORDS, 0), scan(DONGGUAN_NO_COORDS, 5)];
    expect(rulesHit(stream)).toEqual([['impossible_travel', stream[1]?.requestId]]);
  });

  it('without coordinates: a province change over a longer gap proves nothing', () => {
    expect(rulesHit([scan(HEFEI_NO_COORDS, 0), scan(DONGGUAN_NO_COORDS, 30)])).toEqual([]);
  });

  it('without coordinates: two cities of one province are never judged', () => {
    expect(rulesHit([scan({ ...SHENZHEN, lat: undefined, lon: undefined }, 0), scan(DONGGUAN_NO_COORDS, 1)])).toEqual([]);
  });

  it('unlocated scans are neither judged nor remembered', () => {
    const { hits, memory } = evaluateScans(EMPTY, [scan({}, 0), scan(BEIJING, 1), scan({}, 2)], rules(), {});
    expect(hits).toEqual([]);
    expect(memory.recent).toHaveLength(1);
  });

  it('is silent when the rule is disabled', () => {
    const r = rules({ enabledRules: ['too_many_scans'] });
    expect(rulesHit([scan(SHENZHEN, 0), scan(BEIJING, 10)], {}, r)).toEqual([]);
  });
});

describe('scans after the sale far from it', () => {
  const soldInShenzhen: UnitContext = { sale: { at: new Date(T0 + 60 * 60_000).toISOString(), province: 'CN-GD' } };

  it('a scan in another province after the sale is a hit', () => {
    const later = scan(BEIJING, 24 * 60);
    expect(rulesHit([later], soldInShenzhen)).toEqual([['far_from_sale', later.requestId]]);
  });

  it('scans before the sale are not judged against it', () => {
    expect(rulesHit([scan(BEIJING, 0)], soldInShenzhen)).toEqual([]);
  });

  it('a scan in the province of the sale is fine', () => {
    expect(rulesHit([scan(GUANGZHOU, 24 * 60)], soldInShenzhen)).toEqual([]);
  });

  it('with coordinates on both sides the radius decides, not the province line', () => {
    const sale = { at: soldInShenzhen.sale?.at ?? '', province: 'CN-GD', lat: 22.5, lon: 114.1 };
    const acrossTheBorderNearby: ScanPlace = { country: 'CN', province: 'CN-JX', city: 'Ganzhou', lat: 24.2, lon: 114.9 };
    expect(rulesHit([scan(acrossTheBorderNearby, 24 * 60)], { sale })).toEqual([]);
    expect(rulesHit([scan(BEIJING, 24 * 60)], { sale }).map(([rule]) => rule)).toEqual(['far_from_sale']);
  });

  it('an unlocated scan is not judged', () => {
    expect(rulesHit([scan({ country: 'CN' }, 24 * 60)], soldInShenzhen)).toEqual([]);
  });
});

describe('outside the intended market', () => {
  it('a lot for China scanned in Vietnam is a hit', () => {
    const abroad = scan(HANOI, 0);
    expect(rulesHit([abroad], { intendedMarkets: ['CN'] })).toEqual([['outside_market', abroad.requestId]]);
  });

  it('a lot for China scanned anywhere in China is fine, whatever its province', () => {
    expect(rulesHit([scan(BEIJING, 0), scan(SHENZHEN, 24 * 60)], { intendedMarkets: ['VN', 'cn'] })).toEqual([]);
  });

  it('provinces: inside one listed province is fine, another province is a hit', () => {
    const context = { intendedMarkets: ['CN-GD', 'CN-GX'] };
    expect(rulesHit([scan(SHENZHEN, 0)], context)).toEqual([]);
    expect(rulesHit([scan(BEIJING, 0)], context).map(([rule]) => rule)).toEqual(['outside_market']);
  });

  it('no markets means anywhere; a scan without a country or a province cannot be judged', () => {
    expect(rulesHit([scan(HANOI, 0)], {})).toEqual([]);
    expect(rulesHit([scan({}, 0)], { intendedMarkets: ['CN'] })).toEqual([]);
    expect(rulesHit([scan({ country: 'CN' }, 0)], { intendedMarkets: ['CN-GD'] })).toEqual([]);
  });
});

describe('flag', () => {
  it('suspect from the first hit, blocked from blockAfterHits, never lowered', () => {
    const r = rules({ blockAfterHits: 3 });
    expect(nextFlag(undefined, 0, r)).toBeUndefined();
    expect(nextFlag(undefined, 1, r)).toBe('suspect');
    expect(nextFlag('suspect', 3, r)).toBe('blocked');
    expect(nextFlag('blocked', 1, rules({ blockAfterHits: 1000 }))).toBe('blocked');
    expect(nextFlag('suspect', 0, r)).toBe('suspect');
  });
});

describe('a fresh baseline after an unblock', () => {
  it('judges from nothing: the scans and places that blocked the unit are forgotten', () => {
    const since = new Date(T0).toISOString();
    const stream = [0, 10, 20].map((minute) => scan(SHENZHEN, minute));
    // Before the unblock the same three scans were numbers 51 to 53, right after Beijing.
    const before: UnitScanMemory = { count: 50, recent: [{ ...BEIJING, at: new Date(T0 - 60_000).toISOString() }] };
    expect(rulesHit(stream, {}, rules(), before).map(([rule]) => rule)).toEqual(
      Array.from({ length: 3 }, () => ['too_many_scans', 'impossible_travel']).flat(),
    );
    const { hits, memory } = evaluateScans(freshBaseline(since), stream, rules(), {});
    expect(hits).toEqual([]);
    expect(memory).toMatchObject({ count: 3, since, firstAt: stream[0]?.at });
  });

  it('absorbs scans made before it without counting or judging them (a lagging shard)', () => {
    const since = new Date(T0).toISOString();
    const late = [scan(BEIJING, -5), scan(SHENZHEN, -1)];
    const { hits, memory } = evaluateScans(freshBaseline(since), [...late, scan(GUANGZHOU, 5)], rules({ maxScans: 1 }), {});
    expect(hits).toEqual([]);
    expect([memory.count, memory.recent.map((place) => place.city)]).toEqual([1, ['Guangzhou']]);
  });
});

describe('haversine', () => {
  it('Shenzhen to Beijing is about 1,950 km', () => {
    expect(haversineKm({ lat: 22.5, lon: 114.1 }, { lat: 39.9, lon: 116.4 })).toBeGreaterThan(1900);
    expect(haversineKm({ lat: 22.5, lon: 114.1 }, { lat: 39.9, lon: 116.4 })).toBeLessThan(2000);
  });
});

describe('how a hit names its places', () => {
  const at = (minutesAfterT0: number) => new Date(T0 + minutesAfterT0 * 60_000).toISOString();

  it('names a place by its country when no province is known', () => {
    const hanoi = { city: 'Hanoi', country: 'VN', at: at(0) };
    const shenzhen = { city: 'Shenzhen', country: 'CN', at: at(5) };
    expect(impossibleTravel(hanoi, shenzhen, rules())).toBe('Shenzhen, CN and Hanoi, VN 5 min apart');
  });

  it('says "unknown place" for a scan known only by its coordinates', () => {
    const nowhere = { lat: BEIJING.lat ?? 0, lon: BEIJING.lon ?? 0, at: at(0) };
    const later = { ...SHENZHEN, at: at(10) };
    expect(impossibleTravel(nowhere, later, rules())).toMatch(/^\d+ km from unknown place in 10 min$/);
  });
});
