import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { productScanRulesKey } from '#kernel/db/item-keys';
import { DEFAULT_SCAN_RULES, type ScanRules } from '../domain/scan-rules';

/**
 * A product's anomaly rules: one item beside the product, replaced whole. Absent means the
 * defaults (DEFAULT_SCAN_RULES), so a product registered before the rules existed is covered.
 */
export interface StoredScanRules {
  rules: ScanRules;
  updatedAt: string;
  updatedBy: string;
}

export const getScanRules = async (gtin: string): Promise<StoredScanRules | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: productScanRulesKey(gtin) }));
  if (Item === undefined) return undefined;
  // Rules stored before a field existed take its default.
  const rules = { ...DEFAULT_SCAN_RULES, ...(Item.rules as Partial<ScanRules>) } as ScanRules;
  return { rules, updatedAt: String(Item.updatedAt), updatedBy: String(Item.updatedBy) };
};

export const putScanRules = async (gtin: string, stored: StoredScanRules): Promise<void> => {
  await documentClient.send(
    new PutCommand({ TableName: mainTableName(), Item: { ...productScanRulesKey(gtin), type: 'scanRules', ...stored } }),
  );
};
