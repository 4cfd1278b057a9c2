/**
 * The scan path's view of a unit's scan item (SUBJECT#{id} / SCANS): only its flag. The
 * item also holds the unit's scan memory and open alerts (shared/scans/store/unit-scan-repository.ts
 * writes it); a scan projects the three flag attributes so it pays for a few bytes, not the
 * whole item. Eventually consistent: half the read cost, and a flag set a moment ago showing
 * on the next scan instead of this one is within what the CDN's minute of caching allows anyway.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { unitScansKey } from '#kernel/db/item-keys';
import type { ScanAlert } from '../domain/scan-rules';
import { SCAN_RULE_NAMES, type ScanRuleName } from '../domain/scan-rules';

const isRuleName = (value: unknown): value is ScanRuleName => SCAN_RULE_NAMES.some((name) => name === value);

/** The unit's flag, or undefined when its scans raised nothing (or it was never scanned). */
export const getScanFlag = async (subjectId: string): Promise<ScanAlert | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: mainTableName(),
      Key: unitScansKey(subjectId),
      ProjectionExpression: '#flag, #rules, #at',
      ExpressionAttributeNames: { '#flag': 'flag', '#rules': 'flagRules', '#at': 'flaggedAt' },
    }),
  );
  const level = Item?.flag;
  if (level !== 'suspect' && level !== 'blocked') return undefined;
  // A rule this build does not know (written by a newer aggregator) is left out rather than
  // shown raw: the public answer only names rules it can explain.
  const rules = Array.isArray(Item?.flagRules) ? (Item.flagRules as unknown[]).filter(isRuleName) : [];
  const since = Item?.flaggedAt;
  return { level, rules, ...(typeof since === 'string' ? { since } : {}) };
};
