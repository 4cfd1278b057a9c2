import { lookupContainer } from '#custody';
import { type BatchReads, checkSignature, getProductCached, lookupUnit } from '#issuance';
import type { ScannedSubject } from '../domain/scans';

/**
 * A scanned label as the verify path judged it, without the custody: `invalid` when its
 * AI 8030 does not verify (a mismatch, an unknown key, the high-S twin, or none at all),
 * `unknown` when it verifies but names nothing we issued, `genuine` otherwise (voided,
 * recalled or blocked units included: their labels are ours). `ownerOrgId` is the factory
 * that registered the unit's GTIN, whatever the verdict, when the GTIN is ours.
 */
export type LabelVerdict = 'genuine' | 'invalid' | 'unknown';
export interface LabelCheck {
  verdict: LabelVerdict;
  ownerOrgId?: string;
}

export const checkScannedLabel = async (subject: ScannedSubject, batchReads?: BatchReads): Promise<LabelCheck> => {
  if (subject.kind === 'container') {
    const { sscc, digsig } = subject;
    if (digsig === undefined || !(await checkSignature({ kind: 'container', sscc, digsig }))) return { verdict: 'invalid' };
    return { verdict: (await lookupContainer(sscc)) === undefined ? 'unknown' : 'genuine' };
  }
  const { gtin, lot, serial, digsig } = subject;
  if (digsig === undefined || !(await checkSignature({ kind: 'unit', gtin, lot, serial, digsig }))) {
    const owner = (await getProductCached(gtin))?.product.ownerOrgId;
    return { verdict: 'invalid', ...(owner === undefined ? {} : { ownerOrgId: owner }) };
  }
  const unit = await lookupUnit({ gtin, lot, serial }, batchReads);
  if (unit !== undefined) return { verdict: 'genuine', ownerOrgId: unit.product.ownerOrgId };
  const owner = (await getProductCached(gtin))?.product.ownerOrgId;
  return { verdict: 'unknown', ...(owner === undefined ? {} : { ownerOrgId: owner }) };
};
