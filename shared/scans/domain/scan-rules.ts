import type { ScanPlace } from '#kernel/places/viewer-place';
import type { ScanRecord } from './scans';

/**
 * Clone and anomaly rules, pure: given what a unit's scan item remembers, the scans not yet
 * absorbed (in stream order), the product's rules and what we know of the unit (its lot's
 * intended markets, where it was sold), they say which scans broke which rule. Storage,
 * alerts and blocking live in shared/scans/services/unit-scans.ts.
 */
export const SCAN_RULE_NAMES = ['too_many_scans', 'impossible_travel', 'far_from_sale', 'outside_market'] as const;
export type ScanRuleName = (typeof SCAN_RULE_NAMES)[number];

export interface ScanRules {
  /** A genuine helmet is scanned a handful of times in its life; a code copied onto fakes is scanned by every buyer. */
  maxScans: number;
  /** Faster than an airliner between two scans is two labels, not one traveller. */
  maxTravelKmh: number;
  /**
   * Subtracted from every distance before the speed test: scan coordinates are rounded to
   * 0.1 degree (about 11 km) and IP geolocation is often off by tens of km, so two scans
   * in one metropolitan area never look like travel.
   */
  travelSlackKm: number;
  /** After a sale, a scan farther than this from where it was sold (both with coordinates) is suspect. */
  saleRadiusKm: number;
  /** Hits (across all rules) that turn a suspect unit blocked. */
  blockAfterHits: number;
  enabledRules: ScanRuleName[];
  /**
   * Scans of the product's forged or unknown labels in one UTC day that raise a
   * counterfeit_wave alert (shared/scans/domain/forged-scans.ts). Not a per-unit rule: forged
   * scans never touch a unit, so it cannot be switched off, only set within bounds.
   */
  counterfeitWaveAfter: number;
}

export const DEFAULT_SCAN_RULES: Readonly<ScanRules> = Object.freeze({
  maxScans: 50,
  maxTravelKmh: 900,
  travelSlackKm: 50,
  // Roughly the extent of a Chinese province: a worker carries the helmet to sites around
  // the city where it was bought, not across the country.
  saleRadiusKm: 300,
  blockAfterHits: 3,
  enabledRules: [...SCAN_RULE_NAMES],
  // A mistyped or half-scanned label now and then is noise; a few dozen a day of one
  // product is somebody printing its labels.
  counterfeitWaveAfter: 20,
});

/**
 * Two scans without coordinates in different provinces (or countries) are only "clearly
 * far" when they are closer in time than this: provinces border each other, and IP
 * geolocation of mobile networks often lands in the carrier's gateway province, so a
 * province change alone over a longer gap proves nothing.
 */
export const NO_COORDINATES_WINDOW_MS = 10 * 60 * 1000;

/** How many recent places a unit's scan item keeps for the travel test. */
export const RECENT_PLACES = 16;

export interface PlaceAt extends ScanPlace {
  at: string;
}

/** What a unit's scan item remembers between batches: all the rules judge from. */
export interface UnitScanMemory {
  /** Scans since the baseline. */
  count: number;
  firstAt?: string;
  lastAt?: string;
  /** Oldest first, at most RECENT_PLACES. */
  recent: PlaceAt[];
  /**
   * The baseline, when the factory unblocked the unit: scans made before it are absorbed
   * (they still reach the item late, from a lagging shard) but neither counted nor judged,
   * so the episode the factory looked into cannot block the unit again.
   */
  since?: string;
}

/** The memory a factory's unblock leaves: nothing remembered, judged from `since` on. */
export const freshBaseline = (since: string): UnitScanMemory => ({ count: 0, recent: [], since });

export interface UnitContext {
  /** ISO 3166-1 alpha-2 or ISO 3166-2 codes; absent or empty = anywhere. */
  intendedMarkets?: readonly string[];
  /** Set while the unit is sold or in use: when, and where the decommissioning organization is. */
  sale?: { at: string; province?: string; city?: string; lat?: number; lon?: number };
}

export interface RuleHit {
  rule: ScanRuleName;
  /** The scan that broke the rule. */
  requestId: string;
  at: string;
  place: ScanPlace;
  /** One line, for people. */
  detail: string;
}

const EARTH_RADIUS_KM = 6371;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance, km. */
export const haversineKm = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
};

const coordinatesOf = (place: ScanPlace): { lat: number; lon: number } | undefined =>
  place.lat !== undefined && place.lon !== undefined ? { lat: place.lat, lon: place.lon } : undefined;

const describePlace = (place: ScanPlace): string =>
  [place.city, place.province ?? place.country].filter((part) => part !== undefined).join(', ') || 'unknown place';

/** Why two scans cannot be one unit travelling, or undefined if they can. */
export const impossibleTravel = (earlier: PlaceAt, later: PlaceAt, rules: ScanRules): string | undefined => {
  const hours = Math.abs(Date.parse(later.at) - Date.parse(earlier.at)) / 3_600_000;
  const from = coordinatesOf(earlier);
  const to = coordinatesOf(later);
  if (from !== undefined && to !== undefined) {
    const km = haversineKm(from, to) - rules.travelSlackKm;
    if (km <= 0) return undefined;
    if (hours > 0 && km / hours <= rules.maxTravelKmh) return undefined;
    return `${Math.round(km + rules.travelSlackKm)} km from ${describePlace(earlier)} in ${Math.round(hours * 60)} min`;
  }
  const differentCity = earlier.city !== undefined && later.city !== undefined && earlier.city !== later.city;
  const differentRegion =
    (earlier.country !== undefined && later.country !== undefined && earlier.country !== later.country) ||
    (earlier.province !== undefined && later.province !== undefined && earlier.province !== later.province);
  if (!differentCity || !differentRegion) return undefined;
  if (hours * 3_600_000 >= NO_COORDINATES_WINDOW_MS) return undefined;
  return `${describePlace(later)} and ${describePlace(earlier)} ${Math.round(hours * 60)} min apart`;
};

const countryOfCode = (code: string): string => code.slice(0, 2).toUpperCase();

/**
 * Undefined when the scan is inside the lot's markets, or when its place is too vague to
 * tell (no country; or only a country, inside which the markets name provinces).
 */
export const outsideMarket = (place: ScanPlace, markets: readonly string[] | undefined): string | undefined => {
  if (markets === undefined || markets.length === 0 || place.country === undefined) return undefined;
  const country = place.country.toUpperCase();
  const province = place.province?.toUpperCase();
  for (const market of markets.map((code) => code.toUpperCase())) {
    if (market.length === 2 && market === country) return undefined;
    if (market.length > 2 && province !== undefined && market === province) return undefined;
    if (market.length > 2 && province === undefined && countryOfCode(market) === country) return undefined;
  }
  return `scanned in ${describePlace(place)}, outside ${markets.join(', ')}`;
};

/** Undefined for scans before the sale, near it, or too vaguely placed to tell. */
export const farFromSale = (scan: PlaceAt, sale: UnitContext['sale'], rules: ScanRules): string | undefined => {
  if (sale === undefined || Date.parse(scan.at) < Date.parse(sale.at)) return undefined;
  const from = coordinatesOf(sale);
  const to = coordinatesOf(scan);
  if (from !== undefined && to !== undefined) {
    const km = haversineKm(from, to);
    return km > rules.saleRadiusKm ? `${Math.round(km)} km from where it was sold` : undefined;
  }
  if (sale.province === undefined || scan.province === undefined) return undefined;
  return sale.province.toUpperCase() === scan.province.toUpperCase()
    ? undefined
    : `scanned in ${describePlace(scan)} after it was sold in ${sale.province}`;
};

const placeAt = (scan: ScanRecord): PlaceAt => ({ ...scan.place, at: scan.at });

const keepRecent = (recent: PlaceAt[], place: PlaceAt): PlaceAt[] => {
  // Only placed scans help the travel test; an unlocated one would push a useful place out.
  if (place.city === undefined && place.province === undefined && coordinatesOf(place) === undefined) return recent;
  return [...recent, place].slice(-RECENT_PLACES);
};

/**
 * Runs the enabled rules over the fresh scans in order, each scan judged against the memory
 * as it stood just before it; at most one hit per rule per scan. Returns the hits and the
 * memory with the scans absorbed.
 */
export const evaluateScans = (
  memory: UnitScanMemory,
  fresh: readonly ScanRecord[],
  rules: ScanRules,
  context: UnitContext,
): { hits: RuleHit[]; memory: UnitScanMemory } => {
  const enabled = new Set(rules.enabledRules);
  const hits: RuleHit[] = [];
  let next: UnitScanMemory = { ...memory, recent: [...memory.recent] };
  for (const scan of fresh) {
    if (memory.since !== undefined && scan.at < memory.since) continue;
    const here = placeAt(scan);
    const hit = (rule: ScanRuleName, detail: string | undefined) => {
      if (detail !== undefined && enabled.has(rule)) {
        hits.push({ rule, requestId: scan.requestId, at: scan.at, place: scan.place, detail });
      }
    };
    const count = next.count + 1;
    hit('too_many_scans', count > rules.maxScans ? `scan ${count}, more than ${rules.maxScans}` : undefined);
    // The most recent contradicting place is the one to name.
    const travel = [...next.recent]
      .reverse()
      .map((earlier) => impossibleTravel(earlier, here, rules))
      .find((reason) => reason !== undefined);
    hit('impossible_travel', travel);
    hit('far_from_sale', farFromSale(here, context.sale, rules));
    hit('outside_market', outsideMarket(scan.place, context.intendedMarkets));
    next = {
      ...next,
      count,
      firstAt: next.firstAt === undefined || scan.at < next.firstAt ? scan.at : next.firstAt,
      lastAt: next.lastAt === undefined || scan.at > next.lastAt ? scan.at : next.lastAt,
      recent: keepRecent(next.recent, here),
    };
  }
  return { hits, memory: next };
};

export type UnitFlag = 'suspect' | 'blocked';

/**
 * The flag after some hits: never lower than it was (a rule change or a quiet spell does
 * not clear it; only the factory's unblock does), blocked from `blockAfterHits` hits on.
 */
export const nextFlag = (current: UnitFlag | undefined, totalHits: number, rules: ScanRules): UnitFlag | undefined => {
  if (current === 'blocked' || totalHits >= rules.blockAfterHits) return 'blocked';
  if (current === 'suspect' || totalHits > 0) return 'suspect';
  return undefined;
};

/** What the verify path tells a viewer about a unit's scan pattern: its flag and the rules that raised it. */
export interface ScanAlert {
  level: UnitFlag;
  rules: ScanRuleName[];
  since?: string;
}
