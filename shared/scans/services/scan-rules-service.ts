import type { Principal } from '#kernel/auth/principal';
import { ForbiddenError, NotFoundError } from '#kernel/errors';
import { getProductRecord, requireRegisteredOrg } from '#registry';
import { DEFAULT_SCAN_RULES, SCAN_RULE_NAMES, type ScanRules } from '../domain/scan-rules';
import { getScanRules, putScanRules } from '../store/scan-rules-repository';

export interface ScanRulesView {
  gtin: string;
  rules: ScanRules;
  /** True while the factory never set its own. */
  defaults: boolean;
  updatedAt?: string;
}

/** The rules a product's scans are judged by: its own, or the defaults. */
export const effectiveScanRules = async (gtin: string): Promise<ScanRules> =>
  (await getScanRules(gtin))?.rules ?? { ...DEFAULT_SCAN_RULES, enabledRules: [...SCAN_RULE_NAMES] };

const requireProduct = async (gtin: string) => {
  const record = await getProductRecord(gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
  return record.product;
};

/** The owner factory and regulators read a product's rules; nobody else learns them. */
export const getScanRulesFor = async (principal: Principal, gtin: string): Promise<ScanRulesView> => {
  const org = await requireRegisteredOrg(principal);
  const product = await requireProduct(gtin);
  if (org.role !== 'regulator' && product.ownerOrgId !== org.id) {
    throw new ForbiddenError(
      'NOT_PRODUCT_OWNER',
      'Only the factory that registered this GTIN and regulators read its scan rules',
    );
  }
  const stored = await getScanRules(gtin);
  return stored === undefined
    ? { gtin, rules: await effectiveScanRules(gtin), defaults: true }
    : { gtin, rules: stored.rules, defaults: false, updatedAt: stored.updatedAt };
};

/**
 * Replaces a product's rules (absent fields take the defaults). Rules judge scans from now
 * on: they never clear a unit's flag or close an open alert, which only an unblock with a
 * reason does, so loosening them cannot silence what was already found.
 */
export const replaceScanRulesFor = async (
  principal: Principal,
  gtin: string,
  input: Partial<ScanRules>,
  now = new Date(),
): Promise<ScanRulesView> => {
  const org = await requireRegisteredOrg(principal);
  const product = await requireProduct(gtin);
  if (org.role !== 'factory' || product.ownerOrgId !== org.id) {
    throw new ForbiddenError('NOT_PRODUCT_OWNER', 'Only the factory that registered this GTIN sets its scan rules');
  }
  const rules: ScanRules = {
    ...DEFAULT_SCAN_RULES,
    ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
    enabledRules: [...new Set(input.enabledRules ?? DEFAULT_SCAN_RULES.enabledRules)],
  };
  const updatedAt = now.toISOString();
  await putScanRules(gtin, { rules, updatedAt, updatedBy: org.id });
  return { gtin, rules, defaults: false, updatedAt };
};
