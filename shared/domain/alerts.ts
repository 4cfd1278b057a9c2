import { createHash } from 'node:crypto';
import type { RuleHit, ScanRuleName, UnitFlag } from './scan-rules';
import type { ScanPlace } from './scans';

/**
 * An anomaly alert: one per hit episode of one rule on one unit. While it is open, later
 * hits of that rule update its count and last time instead of raising more alerts, so a
 * code copied onto a thousand fakes is one alert that keeps counting, not a thousand.
 */
export type AlertStatus = 'open' | 'closed';

export interface Alert {
  id: string;
  status: AlertStatus;
  rule: ScanRuleName;
  unit: { gtin: string; lot: string; serial: string };
  factoryOrgId: string;
  /** ISO 3166-2 provinces concerned: where the scans were, and the factory's. At most MAX_ALERT_PROVINCES. */
  provinces: string[];
  firstAt: string;
  lastAt: string;
  count: number;
  lastPlace: ScanPlace;
  detail: string;
  /** The unit's flag when the alert was last touched. */
  unitFlag: UnitFlag;
  closedAt?: string;
  closedBy?: string;
  closeReason?: string;
}

/** Bounds the listing copies (and so the items of the write that keeps them in step). */
export const MAX_ALERT_PROVINCES = 6;

/**
 * Deterministic, so that filing an alert in the inbox before it is stored, and again after
 * a retry of the same scans, names the same alert: the unit, the rule, the opening scan.
 */
export const alertIdFor = (subjectId: string, rule: ScanRuleName, openingRequestId: string): string =>
  `AL-${createHash('sha256').update(`${subjectId}\n${rule}\n${openingRequestId}`).digest('base64url').slice(0, 20)}`;

/** The listing audiences of an alert: each province, and each province's country (national regulators). */
export const alertAudiences = (provinces: readonly string[]): string[] => {
  const countries = provinces.map((province) => province.slice(0, 2)).filter((country) => /^[A-Z]{2}$/.test(country));
  return [...new Set([...provinces, ...countries])];
};

/** Adds a hit to an open alert, or opens one. */
export const alertWithHit = (
  open: Alert | undefined,
  hit: RuleHit,
  base: { subjectId: string; unit: Alert['unit']; factoryOrgId: string; factoryProvince?: string; unitFlag: UnitFlag },
): Alert => {
  const provinces = [...(open?.provinces ?? []), hit.place.province?.toUpperCase(), base.factoryProvince]
    .filter((province): province is string => province !== undefined && province !== '')
    .filter((province, index, all) => all.indexOf(province) === index)
    .slice(0, MAX_ALERT_PROVINCES);
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
