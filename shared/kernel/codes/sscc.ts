import { getStringFromEnv } from '../config';
import { gs1CheckDigit } from './gtin';

/**
 * Cases and pallets carry SSCCs (AI 00, 18 digits): extension digit, GS1 company prefix,
 * serial reference, check digit. GS1 builds an SSCC from the company prefix of whoever
 * assigns it, so each organization draws from a range of its own: its own prefix when it
 * registered one, otherwise a slice of TraceSeal's prefix. Within a range, references come
 * from one atomic counter per organization and kind, so SSCCs are unique by construction;
 * the AI 8030 signature, not secrecy, is what makes them unforgeable.
 */
export const CONTAINER_KINDS = ['case', 'pallet'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

/** The extension digit tells a scanner at a glance what kind of logistic unit it holds. */
const EXTENSION_DIGIT: Record<ContainerKind, string> = { case: '1', pallet: '3' };

export const COMPANY_PREFIX_PATTERN = /^\d{6,12}$/;

export const isValidSscc = (sscc: string): boolean =>
  /^\d{18}$/.test(sscc) && gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);

/** How many serial references a company prefix leaves: the 16 digits it does not take. */
export const referenceCapacity = (companyPrefix: string): number => 10 ** (16 - companyPrefix.length);

export const buildSscc = (kind: ContainerKind, companyPrefix: string, serialReference: number): string => {
  const referenceDigits = 16 - companyPrefix.length;
  if (!COMPANY_PREFIX_PATTERN.test(companyPrefix)) throw new RangeError('GS1 company prefix must be 6 to 12 digits');
  if (!Number.isSafeInteger(serialReference) || serialReference < 0 || serialReference >= 10 ** referenceDigits) {
    throw new RangeError(`serial reference must fit in ${referenceDigits} digits`);
  }
  const body = EXTENSION_DIGIT[kind] + companyPrefix + String(serialReference).padStart(referenceDigits, '0');
  return body + gs1CheckDigit(body);
};

/** TraceSeal's own GS1 company prefix; GS1's documentation example until an operator sets its own. */
export const tracesealCompanyPrefix = (): string => {
  const prefix = getStringFromEnv({ key: 'SSCC_COMPANY_PREFIX', defaultValue: '0614141' });
  if (!COMPANY_PREFIX_PATTERN.test(prefix)) throw new RangeError('SSCC_COMPANY_PREFIX must be 6 to 12 digits');
  return prefix;
};

/**
 * Two company prefixes collide when one starts with the other: "0614141" + reference
 * "0xxxxxxxx" is the same SSCC as "06141410" + "xxxxxxxx". GS1 never issues such a pair,
 * and registration refuses them too.
 */
export const prefixesOverlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * An organization without a prefix of its own gets shared range r >= 1 of TraceSeal's
 * prefix: references r × 10^6 to r × 10^6 + 999,999 for each kind (a million cases and a
 * million pallets). Range 0 is kept for the references TraceSeal issued from one global
 * counter before ranges existed. With the default 7-digit prefix (9 reference digits) that
 * makes 999 ranges; a shorter operator prefix gives more, and an organization that needs
 * more containers registers its own GS1 company prefix, as GS1 expects of it anyway.
 */
export const SHARED_RANGE_SIZE = 1_000_000;

export const sharedRangeCount = (companyPrefix: string): number =>
  Math.max(0, Math.floor(referenceCapacity(companyPrefix) / SHARED_RANGE_SIZE) - 1);

/** Where an organization's SSCCs come from: a prefix, the first reference and how many follow, per kind. */
export interface SsccRange {
  companyPrefix: string;
  firstReference: number;
  capacity: number;
}

export const ownPrefixRange = (companyPrefix: string): SsccRange => ({
  companyPrefix,
  firstReference: 0,
  capacity: referenceCapacity(companyPrefix),
});

export const sharedRange = (companyPrefix: string, index: number): SsccRange => {
  if (!Number.isSafeInteger(index) || index < 1 || index > sharedRangeCount(companyPrefix)) {
    throw new RangeError(`shared SSCC range ${index} does not exist under prefix ${companyPrefix}`);
  }
  return { companyPrefix, firstReference: index * SHARED_RANGE_SIZE, capacity: SHARED_RANGE_SIZE };
};
