/**
 * Scan rollups: one item per scope and day (shared/scans/domain/scan-rollups.ts), read and then
 * replaced whole under a condition on the version that was read, so that two aggregators
 * (two shards, or a retry racing its predecessor) never lose each other's counts.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName, queryAll } from '#kernel/db/dynamodb-client';
import { SCAN_ROLLUP_DAY_PREFIX, scanRollupKey, scanRollupPartition } from '#kernel/db/item-keys';
import { emptyRollup, type ScanRollup, type ScanRollupScope } from '../domain/scan-rollups';

export interface VersionedRollup {
  rollup: ScanRollup;
  /** 0 for an item not written yet. */
  version: number;
}

const ROLLUP_FIELDS = ['day', 'total', 'unlocated', 'byCity', 'otherCities', 'byKey', 'otherKeys', 'byUa', 'progress'] as const;

const toRollup = (item: Record<string, unknown>): ScanRollup => {
  const rollup = emptyRollup(String(item.day));
  for (const field of ROLLUP_FIELDS) if (item[field] !== undefined) Object.assign(rollup, { [field]: item[field] });
  return rollup;
};

export const getScanRollup = async (scope: ScanRollupScope, day: string): Promise<VersionedRollup> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: scanRollupKey(scope, day), ConsistentRead: true }),
  );
  return Item === undefined
    ? { rollup: emptyRollup(day), version: 0 }
    : { rollup: toRollup(Item), version: Number(Item.version) };
};

/** Writes the rollup if nobody wrote it since `readVersion`; false when somebody did. */
export const putScanRollup = async (scope: ScanRollupScope, rollup: ScanRollup, readVersion: number): Promise<boolean> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...scanRollupKey(scope, rollup.day), type: 'scanRollup', ...rollup, version: readVersion + 1 },
        ...(readVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' } }),
        ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':version': readVersion } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The scope's rollups from `from` to `to` (YYYY-MM-DD, both included), oldest first; days without scans have none. */
export const listScanRollups = async (scope: ScanRollupScope, from: string, to: string): Promise<ScanRollup[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': scanRollupPartition(scope),
      ':from': `${SCAN_ROLLUP_DAY_PREFIX}${from}`,
      ':to': `${SCAN_ROLLUP_DAY_PREFIX}${to}`,
    },
  });
  return items.map(toRollup);
};
