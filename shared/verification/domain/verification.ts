import type { CustodyView } from '#custody/contract';
import type { Batch } from '#issuance/contract';
import type { CodeIdentity } from '#kernel/codes/digital-link';
import type { Organization, Product } from '#registry/contract';
import type { ScanAlert } from '#scans/contract';
import type { TestReportSummary } from '#test-reports/contract';

/**
 * The fixed verdict vocabulary of a scan, most severe first when several apply:
 * - invalid:  the AI 8030 signature does not verify: the label was not made by us (likely counterfeit);
 * - unknown:  the signature verifies but we hold no such unit (never issued, or data missing);
 * - voided:   the label was withdrawn by its factory (misprint): the code must not be in use;
 * - destroyed: the unit was reported destroyed: the code must not be in use;
 * - recalled: the unit or its lot was recalled;
 * - expired:  the unit is past the end of its service life;
 * - blocked:  its scans looked like copies of the label often enough that the code is blocked
 *   (until its factory unblocks it). It ranks below recalled and expired: those are facts
 *   about the unit with their own instruction (stop using, replace), while a block is an
 *   inference from scan patterns, and the flag still travels in `scanAlert` beside them;
 * - genuine:  none of the above. A genuine unit that was sold or put into use carries
 *   custody.alreadyDecommissioned (when, and who sold it): a fact the page shows as such, since
 *   buyers, safety officers and workers scan units after their sale every day. Only scan
 *   patterns say a label may be copied: a suspect unit carries `scanAlert` (level `suspect`).
 */
export const VERIFICATION_STATUSES = [
  'genuine',
  'invalid',
  'unknown',
  'voided',
  'destroyed',
  'recalled',
  'expired',
  'blocked',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const STATUS_MESSAGES: Record<VerificationStatus, string> = {
  genuine: 'Genuine: this code was issued by the registered manufacturer.',
  invalid: 'Invalid signature: this label was not issued through TraceSeal. Do not use this product; report it.',
  unknown: 'Unknown: the signature is valid but no such unit is on record. Do not use this product; report it.',
  voided: 'Voided: this label was withdrawn by the manufacturer and must not be on a product. Report it.',
  destroyed: 'Destroyed: this unit was reported destroyed; its label must not be in use. Report it.',
  recalled: 'Recalled: this product has been recalled. Stop using it and contact the supplier.',
  expired: 'Expired: this product is past the end of its service life. Replace it.',
  blocked:
    'Blocked: this code has been blocked after scans that look like copies of its label. Do not use this product; report it.',
};

/**
 * What anomaly detection says about a unit's scans as a scan shows it:
 * `suspect` leaves the verdict as custody decides it, `blocked` makes it `blocked` unless
 * something more severe applies. `rules` are the rules that fired; `since` when the flag was set.
 */
export interface VerificationResult {
  status: VerificationStatus;
  message: string;
  /** With `invalid`: the signature does not match, or names a key we do not (yet) know. */
  invalidReason?: 'signature_mismatch' | 'unknown_key';
  code: CodeIdentity;
  product?: Pick<Product, 'gtin' | 'name' | 'names' | 'category' | 'standard' | 'laCertificate' | 'serviceLifeMonths'>;
  factory?: Pick<Organization, 'id' | 'name' | 'names' | 'region' | 'serviceContact'>;
  batch?: {
    lot: string;
    productionDate: string;
    endOfServiceLife: string;
    recalledAt?: string;
    recallReason?: string;
    /** A regulator's spot check of this lot failed: shown on every scan of the lot (a recall may follow). */
    spotCheckFailed?: { at: string; testReportRef: string; drawId: string };
  };
  custody?: CustodyView;
  scanAlert?: ScanAlert;
  /** The unit's test report: verified by its lab, unverified, mismatched (red) or missing. */
  testReport?: TestReportSummary;
  checkedAt: string;
}

/** Calendar months after the production date (clamped to the month's last day). */
export const endOfServiceLife = (productionDate: string, months: number): string => {
  const [year = 0, month = 1, day = 1] = productionDate.split('-').map(Number);
  const targetMonthIndex = month - 1 + months;
  const lastDay = new Date(Date.UTC(year, targetMonthIndex + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, targetMonthIndex, Math.min(day, lastDay))).toISOString().slice(0, 10);
};

export const verdictWithoutRecord = (
  status: 'invalid' | 'unknown',
  code: CodeIdentity,
  now: Date,
  invalidReason?: VerificationResult['invalidReason'],
): VerificationResult => ({
  status,
  message: STATUS_MESSAGES[status],
  ...(invalidReason === undefined ? {} : { invalidReason }),
  code,
  checkedAt: now.toISOString(),
});

/** The status that counts, most final first: a voided or destroyed unit, a recall, expiry, a scan block. */
const statusOf = (
  batch: Batch,
  custody: CustodyView | undefined,
  scanAlert: ScanAlert | undefined,
  eol: string,
  now: Date,
): VerificationStatus => {
  const custodyState = custody?.state;
  return custodyState === 'voided' || custodyState === 'destroyed'
    ? custodyState
    : batch.recalledAt !== undefined || custodyState === 'recalled'
      ? 'recalled'
      : now.toISOString().slice(0, 10) >= eol
        ? 'expired'
        : scanAlert?.level === 'blocked'
          ? 'blocked'
          : 'genuine';
};

/** What a scanner is shown of the product, the factory and the lot: public fields only. */
const productView = (product: Product): NonNullable<VerificationResult['product']> => ({
  gtin: product.gtin,
  name: product.name,
  ...(product.names === undefined ? {} : { names: product.names }),
  category: product.category,
  standard: product.standard,
  laCertificate: product.laCertificate,
  serviceLifeMonths: product.serviceLifeMonths,
});

const factoryView = (factory: Organization | undefined): VerificationResult['factory'] =>
  factory === undefined
    ? undefined
    : {
        id: factory.id,
        name: factory.name,
        ...(factory.names === undefined ? {} : { names: factory.names }),
        region: factory.region,
        ...(factory.serviceContact === undefined ? {} : { serviceContact: factory.serviceContact }),
      };

const batchView = (batch: Batch, eol: string): NonNullable<VerificationResult['batch']> => ({
  lot: batch.lot,
  productionDate: batch.productionDate,
  endOfServiceLife: eol,
  recalledAt: batch.recalledAt,
  recallReason: batch.recallReason,
  ...(batch.spotCheck?.result === 'fail'
    ? {
        spotCheckFailed: {
          at: batch.spotCheck.at,
          testReportRef: batch.spotCheck.testReportRef,
          drawId: batch.spotCheck.drawId,
        },
      }
    : {}),
});

export const decideVerdict = (input: {
  code: CodeIdentity;
  product: Product;
  factory: Organization | undefined;
  batch: Batch;
  custody?: CustodyView;
  scanAlert?: ScanAlert;
  now: Date;
}): VerificationResult => {
  const { code, product, factory, batch, custody, scanAlert, now } = input;
  const eol = endOfServiceLife(batch.productionDate, product.serviceLifeMonths);
  const status = statusOf(batch, custody, scanAlert, eol, now);
  return {
    status,
    message: STATUS_MESSAGES[status],
    code,
    product: productView(product),
    factory: factoryView(factory),
    batch: batchView(batch, eol),
    ...(custody === undefined ? {} : { custody }),
    ...(scanAlert === undefined ? {} : { scanAlert }),
    checkedAt: now.toISOString(),
  };
};
