import { lookupContainer, subjectIdOf, unitsInside } from '#custody';
import type { CustodyView } from '#custody/contract';
import { checkSignatureDetailed, lookupUnit } from '#issuance';
import { readLabel, type SignedCode } from '#kernel/codes/digital-link';
import { getOrganizationCached } from '#registry';
import { testReportForScan } from '#resolver';
import { getScanFlag } from '#scans';
import { decideVerdict, STATUS_MESSAGES, type VerificationResult, verdictWithoutRecord } from '../domain/verification';
import { custodyView } from './custody-view';

/**
 * Signature first, from the public-key cache: a forged or altered code is answered `invalid`
 * without reading the unit (the cache itself reads the keys on a cold start, every 5 minutes,
 * and at most every 5 seconds for an unknown key id). Only then do we look the unit up, and then its
 * custody and its scan flag side by side: the flag costs one more small read per scan,
 * never one more round trip.
 */
export const verifyScannedCode = async (code: SignedCode, now = new Date()): Promise<VerificationResult> => {
  const identity = { gtin: code.gtin, lot: code.lot, serial: code.serial };
  const signature = await checkSignatureDetailed(code);
  if (signature !== 'valid') {
    return verdictWithoutRecord('invalid', identity, now, signature === 'mismatch' ? 'signature_mismatch' : 'unknown_key');
  }
  const unit = await lookupUnit(identity);
  if (unit === undefined) return verdictWithoutRecord('unknown', identity, now);
  const ref = { kind: 'unit', ...identity } as const;
  const [factory, custody, scanAlert, testReport] = await Promise.all([
    getOrganizationCached(unit.product.ownerOrgId),
    custodyView(ref, { by: unit.batch.ownerOrgId, at: unit.batch.createdAt }, unit.batch),
    getScanFlag(subjectIdOf(ref)),
    testReportForScan(unit.product, unit.batch.lot),
  ]);
  return {
    ...decideVerdict({ code: identity, product: unit.product, factory, batch: unit.batch, custody, scanAlert, now }),
    testReport,
  };
};

export interface ContainerVerificationResult {
  status: 'genuine' | 'invalid' | 'unknown' | 'voided' | 'destroyed' | 'recalled';
  message: string;
  invalidReason?: VerificationResult['invalidReason'];
  code: { sscc: string };
  /** `unitCount`: units in all, through the cases inside; absent when not known. */
  container?: { kind: string; childCount: number; unitCount?: number; containsRecalled: boolean };
  custody?: CustodyView;
  checkedAt: string;
}

export const verifyContainerCode = async (
  code: { sscc: string; digsig: string },
  now = new Date(),
): Promise<ContainerVerificationResult> => {
  const base = { code: { sscc: code.sscc }, checkedAt: now.toISOString() };
  const signature = await checkSignatureDetailed({ kind: 'container', ...code });
  if (signature !== 'valid') {
    const invalidReason = signature === 'mismatch' ? 'signature_mismatch' : 'unknown_key';
    return { status: 'invalid', message: STATUS_MESSAGES.invalid, invalidReason, ...base };
  }
  const state = await lookupContainer(code.sscc);
  if (state === undefined || state.ref.kind !== 'container' || state.commissioned === undefined) {
    return { status: 'unknown', message: STATUS_MESSAGES.unknown, ...base };
  }
  const custody = await custodyView(state.ref, { by: state.commissioned.by, at: state.commissioned.at });
  const status =
    state.status === 'voided' || state.status === 'destroyed'
      ? state.status
      : state.containsRecalled === true
        ? 'recalled'
        : 'genuine';
  return {
    status,
    message: status === 'recalled' ? 'This container holds recalled units.' : STATUS_MESSAGES[status],
    ...base,
    container: {
      kind: state.ref.containerKind,
      childCount: state.childCount ?? 0,
      ...(unitsInside(state) === undefined ? {} : { unitCount: unitsInside(state) }),
      containsRecalled: state.containsRecalled === true,
    },
    custody,
  };
};

/**
 * A label's verdict for a participant who looks it up (the console's unit story): what a
 * scan of the same URI answers as JSON, computed by the same services. The caller serves it
 * off the verification paths, so CloudFront's real-time log (and the local gateway's scan log)
 * never sees it: a look-up is not a scan and feeds no anomaly rule. Bad codes are the same
 * 400s (MALFORMED_CODE, MISSING_SIGNATURE) the verification routes answer.
 */
export const verdictOfLabel = async (
  uri: string,
  now = new Date(),
): Promise<VerificationResult | ContainerVerificationResult> => {
  const { code } = readLabel(uri);
  if (code.kind === 'container') return verifyContainerCode({ sscc: code.sscc, digsig: code.digsig }, now);
  const { kind: _, ...unit } = code;
  return verifyScannedCode(unit, now);
};
