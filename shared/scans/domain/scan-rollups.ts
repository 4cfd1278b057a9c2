import { newSince, type SequencedScan, type ShardProgress, UA_CLASSES, type UaClass } from './scans';

/**
 * Per-day scan rollups, one per audience: a factory (all its products), a product (with
 * its lots), a lot, and an area (a province, or a whole country for national regulators).
 * Each is one DynamoDB item, so each is bounded: past MAX_CITIES_PER_ROLLUP cities or
 * MAX_KEYS_PER_ROLLUP lots or products, further ones are counted in `otherCities` /
 * `otherKeys`, and every total stays exact. A city entry is ~120 bytes, so an item stays
 * far under DynamoDB's 400 KB.
 */
export const MAX_CITIES_PER_ROLLUP = 500;
export const MAX_KEYS_PER_ROLLUP = 500;

export type ScanRollupScope =
  | { kind: 'factory'; orgId: string }
  | { kind: 'product'; gtin: string }
  | { kind: 'lot'; gtin: string; lot: string }
  /** A province (`CN-GD`) or a country (`CN`). */
  | { kind: 'area'; area: string };

export interface CityCount {
  city: string;
  province?: string;
  country?: string;
  lat?: number;
  lon?: number;
  count: number;
}

export interface ScanRollup {
  /** YYYY-MM-DD, UTC. */
  day: string;
  total: number;
  /** Scans whose viewer had no city. */
  unlocated: number;
  byCity: Record<string, CityCount>;
  otherCities: number;
  /** Lots (product rollups) or GTINs (factory and area rollups). */
  byKey: Record<string, number>;
  otherKeys: number;
  byUa: Partial<Record<UaClass, number>>;
  progress: ShardProgress;
}

export const emptyRollup = (day: string): ScanRollup => ({
  day,
  total: 0,
  unlocated: 0,
  byCity: {},
  otherCities: 0,
  byKey: {},
  otherKeys: 0,
  byUa: {},
  progress: {},
});

/** The UTC day of an ISO instant. */
export const dayOf = (at: string): string => at.slice(0, 10);

/** The same city in the same province of the same country is one map point. */
export const cityKey = (place: { country?: string; province?: string; city: string }): string =>
  `${place.country ?? ''}|${place.province ?? ''}|${place.city}`;

/** What a scan adds to a rollup's `byKey`: its lot in a product rollup, its GTIN elsewhere. */
const keyOf = (scope: ScanRollupScope, scan: SequencedScan): string | undefined => {
  if (scan.subject.kind !== 'unit' || scope.kind === 'lot') return undefined;
  return scope.kind === 'product' ? scan.subject.lot : scan.subject.gtin;
};

/**
 * The rollup with the scans it has not absorbed yet added (see newSince), or undefined
 * when every one of them was already absorbed: nothing to write.
 */
export const absorbScans = (
  scope: ScanRollupScope,
  rollup: ScanRollup,
  scans: readonly SequencedScan[],
): ScanRollup | undefined => {
  const { fresh, progress } = newSince(rollup.progress, scans);
  if (fresh.length === 0) return undefined;
  const next: ScanRollup = {
    ...rollup,
    byCity: { ...rollup.byCity },
    byKey: { ...rollup.byKey },
    byUa: { ...rollup.byUa },
    progress,
  };
  for (const scan of fresh) {
    next.total++;
    next.byUa[scan.ua] = (next.byUa[scan.ua] ?? 0) + 1;
    const key = keyOf(scope, scan);
    if (key !== undefined) {
      if (next.byKey[key] !== undefined || Object.keys(next.byKey).length < MAX_KEYS_PER_ROLLUP) {
        next.byKey[key] = (next.byKey[key] ?? 0) + 1;
      } else next.otherKeys++;
    }
    const { city, country, province, lat, lon } = scan.place;
    if (city === undefined) {
      next.unlocated++;
      continue;
    }
    const id = cityKey({ country, province, city });
    const known = next.byCity[id];
    if (known !== undefined) next.byCity[id] = { ...known, count: known.count + 1 };
    else if (Object.keys(next.byCity).length < MAX_CITIES_PER_ROLLUP) {
      // The first viewer's rounded coordinates stand for the city: close enough for a map.
      next.byCity[id] = {
        city,
        ...(province === undefined ? {} : { province }),
        ...(country === undefined ? {} : { country }),
        ...(lat === undefined || lon === undefined ? {} : { lat, lon }),
        count: 1,
      };
    } else next.otherCities++;
  }
  return next;
};

export interface ScanSummary {
  total: number;
  unlocated: number;
  otherCities: number;
  byDay: { day: string; count: number }[];
  byCity: CityCount[];
  byKey: { key: string; count: number }[];
  otherKeys: number;
  byUa: Record<UaClass, number>;
}

/** Rollups of consecutive days summed into one answer; cities and keys most scanned first. */
export const summarizeRollups = (rollups: readonly ScanRollup[]): ScanSummary => {
  const cities = new Map<string, CityCount>();
  const keys = new Map<string, number>();
  const byUa = Object.fromEntries(UA_CLASSES.map((ua) => [ua, 0])) as Record<UaClass, number>;
  let total = 0;
  let unlocated = 0;
  let otherCities = 0;
  let otherKeys = 0;
  for (const rollup of rollups) {
    total += rollup.total;
    unlocated += rollup.unlocated;
    otherCities += rollup.otherCities;
    otherKeys += rollup.otherKeys;
    for (const [id, entry] of Object.entries(rollup.byCity)) {
      const known = cities.get(id);
      cities.set(id, known === undefined ? { ...entry } : { ...known, count: known.count + entry.count });
    }
    for (const [key, count] of Object.entries(rollup.byKey)) keys.set(key, (keys.get(key) ?? 0) + count);
    for (const ua of UA_CLASSES) byUa[ua] += rollup.byUa[ua] ?? 0;
  }
  return {
    total,
    unlocated,
    otherCities,
    byDay: rollups.map((rollup) => ({ day: rollup.day, count: rollup.total })),
    byCity: [...cities.values()].sort((a, b) => b.count - a.count || a.city.localeCompare(b.city)),
    byKey: [...keys.entries()]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    otherKeys,
    byUa,
  };
};
