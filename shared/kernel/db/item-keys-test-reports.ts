/**
 * Key formats of test reports: what labs registered, and what factories attached to their
 * products and lots. Part of item-keys.ts, which re-exports them.
 */
import type { ItemKey } from './item-key';

/** A lab's report number is unique per lab: the registration is keyed by both. */
export const labReportKey = (labOrgId: string, number: string): ItemKey => ({
  pk: `LABREPORT#${labOrgId}#${number}`,
  sk: 'LABREPORT',
});

/** A factory's attachment citing a lab's number, beside the registration: a late registration finds it. */
export const CITATION_PREFIX = 'CITED#';
export const citationKey = (labOrgId: string, number: string, subjectId: string): ItemKey => ({
  pk: labReportKey(labOrgId, number).pk,
  sk: `${CITATION_PREFIX}${subjectId}`,
});

/**
 * The report a factory attached to a product (type test) or a lot (batch test): one item
 * per subject, both in the product's partition, so a scan reads them where it reads the product.
 */
export const attachedReportKey = (
  subject: { kind: 'product'; gtin: string } | { kind: 'batch'; gtin: string; lot: string },
): ItemKey =>
  subject.kind === 'product'
    ? { pk: `PRODUCT#${subject.gtin}`, sk: 'TEST_REPORT' }
    : { pk: `PRODUCT#${subject.gtin}`, sk: `TEST_REPORT#LOT#${subject.lot}` };
