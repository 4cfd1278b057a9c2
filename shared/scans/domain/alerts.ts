import { createHash } from 'node:crypto';
import type { ScanPlace } from '#kernel/places/viewer-place';
import { type RuleHit, SCAN_RULE_NAMES, type ScanRuleName, type UnitFlag } from './scan-rules';

/**
 * An anomaly alert: one per hit episode of one rule on one unit. While it is open, later
 * hits of that rule update its count and last time instead of raising more alerts, so a
 * code copied onto a thousand fakes is one alert that keeps counting, not a thousand.
 * A counterfeit wave is the one alert about a product rather than a unit: the day's scans
 * of its forged labels (shared/scans/domain/forged-scans.ts) crossed the product's threshold.
 */
export type AlertStatus = 'open' | 'closed';

export const COUNTERFEIT_WAVE = 'counterfeit_wave';
export const ALERT_RULES = [...SCAN_RULE_NAMES, COUNTERFEIT_WAVE] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

interface AlertBase {
  id: string;
  status: AlertStatus;
  factoryOrgId: string;
  /** ISO 3166-2 provinces concerned: where the scans were, and the factory's. At most MAX_ALERT_PROVINCES. */
  provinces: string[];
  firstAt: string;
  lastAt: string;
  count: number;
  lastPlace: ScanPlace;
  detail: string;
  closedAt?: string;
  closedBy?: string;
  closeReason?: string;
}

export interface UnitAlert extends AlertBase {
  rule: ScanRuleName;
  unit: { gtin: string; lot: string; serial: string };
  /** The unit's flag when the alert was last touched. */
  unitFlag: UnitFlag;
}

/** `count` is the day's scans of the product's forged or unknown labels. */
export interface CounterfeitWaveAlert extends AlertBase {
  rule: typeof COUNTERFEIT_WAVE;
  product: { gtin: string };
  /** The UTC day the scans were made. */
  day: string;
  forged: { invalid: number; unknown: number };
}

export type Alert = UnitAlert | CounterfeitWaveAlert;

/** The product an alert is about, whichever kind it is. */
export const gtinOfAlert = (alert: Alert): string => (alert.rule === COUNTERFEIT_WAVE ? alert.product.gtin : alert.unit.gtin);

/** Bounds the listing copies (and so the items of the write that keeps them in step). */
export const MAX_ALERT_PROVINCES = 6;

/**
 * Deterministic, so that filing an alert in the inbox before it is stored, and again after
 * a retry of the same scans, names the same alert: the unit, the rule, the opening scan (a
 * counterfeit wave: the product, the rule, the day).
 */
export const alertIdFor = (subjectId: string, rule: AlertRule, openingRequestId: string): string =>
  `AL-${createHash('sha256').update(`${subjectId}\n${rule}\n${openingRequestId}`).digest('base64url').slice(0, 20)}`;

/** The listing audiences of an alert: each province, and each province's country (national regulators). */
export const alertAudiences = (provinces: readonly string[]): string[] => {
  const countries = provinces.map((province) => province.slice(0, 2)).filter((country) => /^[A-Z]{2}$/.test(country));
  return [...new Set([...provinces, ...countries])];
};

/**
 * The provinces an alert concerns once `added` are: the ones it had first (its listing
 * copies stay where they are), then the new ones, at most MAX_ALERT_PROVINCES.
 */
export const alertProvinces = (kept: readonly string[], added: readonly (string | undefined)[]): string[] =>
  [...kept, ...added]
    .filter((province): province is string => province !== undefined && province !== '')
    .filter((province, index, all) => all.indexOf(province) === index)
    .slice(0, MAX_ALERT_PROVINCES);

/** Adds a hit to an open alert, or opens one. */
export const alertWithHit = (
  open: UnitAlert | undefined,
  hit: RuleHit,
  base: { subjectId: string; unit: UnitAlert['unit']; factoryOrgId: string; factoryProvince?: string; unitFlag: UnitFlag },
): UnitAlert => {
  const provinces = alertProvinces(open?.provinces ?? [], [hit.place.province?.toUpperCase(), base.factoryProvince]);
  if (open !== undefined) {
    return {
      ...open,
      provinces,
      lastAt: hit.at > open.lastAt ? hit.at : open.lastAt,
      count: open.count + 1,
      lastPlace: hit.place,
      detail: hit.detail,
      unitFlag: base.unitFlag,
    };
  }
  return {
    id: alertIdFor(base.subjectId, hit.rule, hit.requestId),
    status: 'open',
    rule: hit.rule,
    unit: base.unit,
    factoryOrgId: base.factoryOrgId,
    provinces,
    firstAt: hit.at,
    lastAt: hit.at,
    count: 1,
    lastPlace: hit.place,
    detail: hit.detail,
    unitFlag: base.unitFlag,
  };
};
