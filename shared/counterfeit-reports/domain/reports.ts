import { randomInt } from 'node:crypto';
import type { InboxStatus } from '#inbox/contract';
import { CROCKFORD_ALPHABET } from '#kernel/codes/base32';
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

/** What the report's own status (the one its factory sees) reads while its inbox entry is in `status`. */
const REPORT_STATUS_OF: Readonly<Record<InboxStatus, ReportStatus>> = {
  new: 'received',
  investigating: 'under_review',
  closed: 'closed',
};
export const reportStatusFor = (status: InboxStatus): ReportStatus => REPORT_STATUS_OF[status];
