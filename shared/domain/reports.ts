import { randomInt } from 'node:crypto';
import { CROCKFORD_ALPHABET } from '#shared/codes/base32';
import type { ReportPhotoType } from './report-photos';

/**
 * A counterfeit report as stored. The reporter's contact is for regulators only: the
 * factory's copy never carries it (see report-repository).
 */
export const REPORT_STATUSES = ['received', 'under_review', 'closed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportPhoto {
  /** The object key in the report bucket (locally, the path under DATA_DIR/reports). */
  key: string;
  contentType: ReportPhotoType;
  bytes: number;
}

/** What the scanned code said, as far as it could be read: a forged code is still reportable. */
export type ReportedCode =
  | { kind: 'unit'; gtin: string; lot: string; serial: string; uri: string }
  | { kind: 'container'; sscc: string; uri: string }
  | { kind: 'unreadable'; uri: string };

export interface Report {
  reference: string;
  status: ReportStatus;
  createdAt: string;
  code?: ReportedCode;
  /** Set when the code names a product registered here: that product's factory. */
  factoryOrgId?: string;
  /** Province-level region (`CN-GD`), or UNLOCATED_REGION. */
  region: string;
  place: string;
  city: string;
  description: string;
  contact?: string;
  photos: ReportPhoto[];
}

/** Reports whose place could not be tied to a province: every regulator may read them. */
export const UNLOCATED_REGION = 'UNLOCATED';

const REFERENCE_PATTERN = /^TS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/;
export const isReportReference = (value: string): boolean => REFERENCE_PATTERN.test(value);

/**
 * `TS-2026-7KQ3MX`: read over the phone or copied by hand, so Crockford base32 (no I, L, O,
 * U) and short; 32^6 (a billion) per year, and the store refuses a duplicate.
 */
export const newReportReference = (now: Date): string => {
  let random = '';
  for (let i = 0; i < 6; i++) random += CROCKFORD_ALPHABET[randomInt(32)];
  return `TS-${now.getUTCFullYear()}-${random}`;
};

/**
 * The province part of an organization's region (`CN-GD Shenzhen` → `CN-GD`), the level
 * at which reports reach regulators. A region without an ISO 3166-2 code is used whole.
 */
export const provinceOf = (region: string): string => {
  const first = region.trim().split(/\s+/)[0] ?? '';
  return /^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/.test(first) ? first.toUpperCase() : region.trim().toUpperCase();
};

/** A bare country code (`CN`) is a national regulator's region: it sees the whole country. */
export const isNationalRegion = (region: string): boolean => /^[A-Za-z]{2}$/.test(region.trim());
