/**
 * Spot-check results, in their draw's partition: entry n of a target is written once
 * (conditional put), so results are append-only and two writers of one entry cannot both win.
 */

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Batch, batchSpotCheckUpdate } from '#issuance';
import { documentClient, mainTableName, queryAll } from '#kernel/db/dynamodb-client';
import { SPOT_CHECK_RESULT_PREFIX, spotCheckPartition, spotCheckResultKey } from '#kernel/db/item-keys';
import { ConflictError } from '#kernel/errors';
import type { ClauseComparison } from '#test-reports/contract';
import { conflictOn } from './spot-check-repository';

export interface SpotCheckResultEntry {
  drawId: string;
  target: string;
  /** 0 for the result, n for the n-th correction. */
  n: number;
  result: 'pass' | 'fail';
  testReportRef: string;
  /** The lab report of the sample, as the lab registered it. */
  labReport?: { labOrgId: string; number: string };
  /** That report against the product's type test (a = type test, b = the sample). */
  comparison?: SpotCheckComparison;
  note?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface SpotCheckComparison {
  standard: string;
  worse: number;
  clauses: ClauseComparison[];
}

export const listResults = async (drawId: string): Promise<SpotCheckResultEntry[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': spotCheckPartition(drawId), ':prefix': SPOT_CHECK_RESULT_PREFIX },
    ConsistentRead: true,
  });
  return items.map(({ drawId: id, target, n, result, testReportRef, labReport, comparison, note, recordedAt, recordedBy }) => ({
    drawId: String(id),
    target: String(target),
    n: Number(n),
    result: result as 'pass' | 'fail',
    testReportRef: String(testReportRef),
    ...(labReport === undefined ? {} : { labReport: labReport as { labOrgId: string; number: string } }),
    ...(comparison === undefined ? {} : { comparison: comparison as SpotCheckComparison }),
    ...(typeof note === 'string' ? { note } : {}),
    recordedAt: String(recordedAt),
    recordedBy: String(recordedBy),
  }));
};

/**
 * Appends result entries (each slot written once: a second writer of the same entry fails
 * the whole call) and, in the same transaction, marks the lots they name on their batch.
 */
export const appendResults = async (
  entries: readonly SpotCheckResultEntry[],
  lotMarks: readonly { gtin: string; lot: string; mark: NonNullable<Batch['spotCheck']> }[],
): Promise<void> => {
  const TableName = mainTableName();
  await conflictOn(
    () =>
      documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            ...entries.map((entry) => ({
              Put: {
                TableName,
                Item: { ...spotCheckResultKey(entry.drawId, entry.target, entry.n), type: 'spotCheckResult', ...entry },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            ...lotMarks.map(({ gtin, lot, mark }) => batchSpotCheckUpdate(TableName, gtin, lot, mark)),
          ],
        }),
      ),
    () =>
      new ConflictError(
        'RESULT_ALREADY_RECORDED',
        'A result for this target is already recorded: send a correction that references the latest entry',
      ),
  );
};
