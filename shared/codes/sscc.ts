import { gs1CheckDigit } from './gtin';

/**
 * Cases and pallets carry SSCCs (AI 00, 18 digits): extension digit, GS1 company prefix,
 * serial reference, check digit. Ours come from one atomic counter, so they are unique by
 * construction; the AI 8030 signature, not secrecy, is what makes them unforgeable.
 */
export const CONTAINER_KINDS = ['case', 'pallet'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

/** The extension digit tells a scanner at a glance what kind of logistic unit it holds. */
const EXTENSION_DIGIT: Record<ContainerKind, string> = { case: '1', pallet: '3' };

export const isValidSscc = (sscc: string): boolean =>
  /^\d{18}$/.test(sscc) && gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);

export const buildSscc = (kind: ContainerKind, companyPrefix: string, serialReference: number): string => {
  const referenceDigits = 16 - companyPrefix.length;
  if (!/^\d{6,12}$/.test(companyPrefix)) throw new RangeError('GS1 company prefix must be 6 to 12 digits');
  if (!Number.isSafeInteger(serialReference) || serialReference < 0 || serialReference >= 10 ** referenceDigits) {
    throw new RangeError(`serial reference must fit in ${referenceDigits} digits`);
  }
  const body = EXTENSION_DIGIT[kind] + companyPrefix + String(serialReference).padStart(referenceDigits, '0');
  return body + gs1CheckDigit(body);
};
