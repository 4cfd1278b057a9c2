import { alertIdFor, alertProvinces, COUNTERFEIT_WAVE, type CounterfeitWaveAlert } from './alerts';
import { newSince, type SequencedScan, type ShardProgress } from './scans';

/**
 * Scans of forged labels, counted per product and UTC day. A scan the verify path answered
 * `invalid` (its AI 8030 does not verify) or `unknown` (it verifies but names nothing we
 * issued) never touches a unit, a lot or a rollup: anyone who can read a serial off a label
 * could otherwise make a genuine unit look copied, and invented lots would grow items
 * without end. What such scans are worth is a signal about the product: somebody is
 * printing its labels. So each registered GTIN has one tally item per day, bounded like a
 * rollup, absorbed exactly once per shard (newSince), and crossing the product's
 * `counterfeitWaveAfter` opens the day's counterfeit_wave alert, which then keeps counting.
 */
export type ForgedVerdict = 'invalid' | 'unknown';

export interface ForgedScan extends SequencedScan {
  verdict: ForgedVerdict;
}

/** ISO 3166-2 provinces per tally; the rest are counted in `otherProvinces`. */
export const MAX_PROVINCES_PER_TALLY = 100;

export interface ForgedScanTally {
  /** YYYY-MM-DD, UTC. */
  day: string;
  total: number;
  invalid: number;
  unknown: number;
  /** Where the forged scans were made (the CDN's place), for the alert's audience. */
  byProvince: Record<string, number>;
  otherProvinces: number;
  progress: ShardProgress;
  /** The day's counterfeit_wave alert, once the threshold was crossed. */
  alert?: CounterfeitWaveAlert;
}

export const emptyTally = (day: string): ForgedScanTally => ({
  day,
  total: 0,
  invalid: 0,
  unknown: 0,
  byProvince: {},
  otherProvinces: 0,
  progress: {},
});

/** The tally with the scans it had not absorbed yet, or undefined when it had them all. */
export const absorbForgedScans = (
  tally: ForgedScanTally,
  scans: readonly ForgedScan[],
): { tally: ForgedScanTally; fresh: ForgedScan[] } | undefined => {
  const { fresh, progress } = newSince(tally.progress, scans);
  if (fresh.length === 0) return undefined;
  const next: ForgedScanTally = { ...tally, byProvince: { ...tally.byProvince }, progress };
  for (const scan of fresh) {
    next.total++;
    next[scan.verdict]++;
    const province = scan.place.province;
    if (province === undefined) continue;
    if (next.byProvince[province] !== undefined || Object.keys(next.byProvince).length < MAX_PROVINCES_PER_TALLY) {
      next.byProvince[province] = (next.byProvince[province] ?? 0) + 1;
    } else next.otherProvinces++;
  }
  return { tally: next, fresh };
};

export interface WaveContext {
  gtin: string;
  factoryOrgId: string;
  factoryProvince?: string;
  threshold: number;
}

/**
 * The day's alert after `fresh` was absorbed into `tally`: opened when the total reaches the
 * threshold, updated while open, undefined below it. Its provinces are the factory's and
 * where the forged scans were, most first.
 */
export const counterfeitWave = (
  tally: ForgedScanTally,
  fresh: readonly ForgedScan[],
  context: WaveContext,
): CounterfeitWaveAlert | undefined => {
  const open = tally.alert;
  if (open === undefined && tally.total < context.threshold) return undefined;
  const last = fresh.reduce<ForgedScan | undefined>(
    (latest, scan) => (latest === undefined || scan.at > latest.at ? scan : latest),
    undefined,
  );
  const busiest = Object.entries(tally.byProvince)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([province]) => province);
  const provinces = alertProvinces(open?.provinces ?? [], [context.factoryProvince, ...busiest]);
  const detail = `${tally.total} scans of forged or unknown labels of ${context.gtin} on ${tally.day} (alert from ${context.threshold})`;
  const base = {
    provinces,
    count: tally.total,
    forged: { invalid: tally.invalid, unknown: tally.unknown },
    detail,
    ...(last === undefined ? {} : { lastPlace: last.place }),
  };
  if (open !== undefined) {
    return { ...open, ...base, lastAt: last !== undefined && last.at > open.lastAt ? last.at : open.lastAt };
  }
  // Opened by the scan that reached the threshold.
  const crossing = fresh[Math.max(0, context.threshold - (tally.total - fresh.length) - 1)] ?? last;
  const firstAt = crossing?.at ?? `${tally.day}T00:00:00.000Z`;
  return {
    id: alertIdFor(`GTIN#${context.gtin}`, COUNTERFEIT_WAVE, tally.day),
    status: 'open',
    rule: COUNTERFEIT_WAVE,
    product: { gtin: context.gtin },
    day: tally.day,
    factoryOrgId: context.factoryOrgId,
    firstAt,
    lastAt: last?.at ?? firstAt,
    lastPlace: {},
    ...base,
  };
};
