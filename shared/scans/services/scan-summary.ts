import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';
import { getProductRecord, requireRegisteredOrg } from '#registry';
import { type ScanRollupScope, type ScanSummary, summarizeRollups } from '../domain/scan-rollups';
import { listScanRollups } from '../store/scan-rollup-repository';

/** The longest range one summary reads: a quarter, at most 92 items per scope. */
export const MAX_SUMMARY_DAYS = 92;
/** Without `from`, the summary covers the last 30 days up to `to`. */
export const DEFAULT_SUMMARY_DAYS = 30;

export interface ScanSummaryInput {
  gtin?: string;
  lot?: string;
  from?: string;
  to?: string;
}

export interface ScanSummaryAnswer extends ScanSummary {
  scope: ScanRollupScope;
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/**
 * Which rollups a caller may read: a factory its own products (all, one GTIN, or one lot);
 * a regulator the scans made in its province, or in its whole country when its region is
 * a bare country code. Every other role is refused.
 */
const scopeFor = async (principal: Principal, input: ScanSummaryInput): Promise<ScanRollupScope> => {
  const org = await requireRegisteredOrg(principal);
  if (org.role === 'factory') {
    if (input.gtin === undefined) {
      if (input.lot !== undefined) throw new BadRequestError('LOT_NEEDS_GTIN', '`lot` is read together with `gtin`');
      return { kind: 'factory', orgId: org.id };
    }
    const record = await getProductRecord(input.gtin);
    if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${input.gtin} is not registered`);
    if (record.product.ownerOrgId !== org.id) {
      throw new ForbiddenError('NOT_YOUR_PRODUCT', 'Scan records are read by the factory that registered the product');
    }
    return input.lot === undefined ? { kind: 'product', gtin: input.gtin } : { kind: 'lot', gtin: input.gtin, lot: input.lot };
  }
  if (org.role === 'regulator') {
    if (input.gtin !== undefined || input.lot !== undefined) {
      throw new BadRequestError(
        'FILTER_FOR_FACTORIES',
        'Regulators read the scans of their region; `gtin` and `lot` are for factories',
      );
    }
    return { kind: 'area', area: provinceOf(org.region) };
  }
  throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Scan records are read by factories and regulators');
};

export const scanSummaryFor = async (
  principal: Principal,
  input: ScanSummaryInput,
  now = new Date(),
): Promise<ScanSummaryAnswer> => {
  const to = input.to ?? now.toISOString().slice(0, 10);
  const from = input.from ?? addDays(to, 1 - DEFAULT_SUMMARY_DAYS);
  if (from > to) throw new BadRequestError('INVALID_DATE_RANGE', '`from` must not be after `to`');
  if (daysBetween(from, to) > MAX_SUMMARY_DAYS) {
    throw new BadRequestError('DATE_RANGE_TOO_LONG', `A summary covers at most ${MAX_SUMMARY_DAYS} days`);
  }
  const scope = await scopeFor(principal, input);
  return { scope, from, to, ...summarizeRollups(await listScanRollups(scope, from, to)) };
};
