import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { unitScansKey } from '#kernel/db/item-keys';
import { subjectIdOf } from '#shared/custody/domain/types';
import type { ScanRuleName, UnitFlag } from '#shared/scans/domain/scan-rules';

/**
 * Sets a unit's scan flag as anomaly detection leaves it, for tests of what a scan shows.
 * Only the flag attributes are set (an UpdateItem), so whatever else the scan item holds
 * stays; the scan path never writes this item, so the test stands in for the aggregator.
 * The local gateway aggregates every GET scan in-process: a test that counts a scan's reads
 * scans with HEAD (not logged, same handler) so the aggregator's own reads stay out of it.
 */
export const writeScanFlag = async (uri: string, flag: { level: UnitFlag; rules: ScanRuleName[]; at: string }): Promise<void> => {
  const [, , gtin = '', , , , serial = ''] = new URL(uri).pathname.split('/');
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: unitScansKey(subjectIdOf({ kind: 'unit', gtin, serial })),
      // The revision moves as the aggregator's own writes move it, so an aggregation that read
      // the item before this write retries on top of it instead of overwriting the flag.
      UpdateExpression: 'SET #flag = :flag, #rules = :rules, #at = :at ADD #revision :one',
      ExpressionAttributeNames: { '#flag': 'flag', '#rules': 'flagRules', '#at': 'flaggedAt', '#revision': 'revision' },
      ExpressionAttributeValues: { ':flag': flag.level, ':rules': flag.rules, ':at': flag.at, ':one': 1 },
    }),
  );
};
