/**
 * Per product and UTC day, the tally of scans of its forged labels (shared/scans/domain/forged-scans.ts),
 * with the day's counterfeit_wave alert inside it. Replaced whole under a condition on the
 * version that was read, in one transaction with the alert's record and listing copies, so
 * a batch delivered twice counts once, and so does its alert.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName, transactWrite } from '#kernel/db/dynamodb-client';
import { forgedScanTallyKey } from '#kernel/db/item-keys';
import type { CounterfeitWaveAlert } from '../domain/alerts';
import { emptyTally, type ForgedScanTally } from '../domain/forged-scans';
import { alertPutItems } from './alert-repository';

export interface VersionedTally {
  tally: ForgedScanTally;
  /** 0 for an item not written yet. */
  version: number;
}

const TALLY_FIELDS = ['total', 'invalid', 'unknown', 'byProvince', 'otherProvinces', 'progress', 'alert'] as const;

export const getForgedScanTally = async (gtin: string, day: string): Promise<VersionedTally> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: forgedScanTallyKey(gtin, day), ConsistentRead: true }),
  );
  if (Item === undefined) return { tally: emptyTally(day), version: 0 };
  const tally = emptyTally(day);
  for (const field of TALLY_FIELDS) if (Item[field] !== undefined) Object.assign(tally, { [field]: Item[field] });
  return { tally, version: Number(Item.version) };
};

/** Writes the tally (and its alert, when it has one) if nobody wrote it since `readVersion`. */
export const putForgedScanTally = async (
  gtin: string,
  tally: ForgedScanTally,
  readVersion: number,
  alert: CounterfeitWaveAlert | undefined,
): Promise<boolean> => {
  const put = {
    Put: {
      TableName: mainTableName(),
      Item: { ...forgedScanTallyKey(gtin, tally.day), type: 'forgedScanTally', gtin, ...tally, version: readVersion + 1 },
      ...(readVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': readVersion },
          }),
    },
  };
  return (await transactWrite([put, ...(alert === undefined ? [] : alertPutItems(alert))])) === 'recorded';
};
