import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  batchPutAll,
  cancelledConditionIndexes,
  countAll,
  documentClient,
  isConditionFailure,
  mainTableName,
  type TransactItems,
  transactWrite,
} from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { ensureTable } from '../../scripts/local/tables';

/**
 * What the shared write helpers make of DynamoDB's answers, against DynamoDB Local: a record
 * written twice is a duplicate, a failed guard beside it a conflict, and any other failure
 * is thrown, never taken for either. Throttled batch writes cannot be caused locally, so that
 * one path is played by a mock.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => vi.useRealTimers());

const unique = () => `OUTCOME#${Math.random().toString(36).slice(2)}`;
const putNew = (pk: string): TransactItems[number] => ({
  Put: { TableName: mainTableName(), Item: { pk, sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)' },
});
const guard = (pk: string, revision: number): TransactItems[number] => ({
  ConditionCheck: {
    TableName: mainTableName(),
    Key: { pk, sk: 'ITEM' },
    ConditionExpression: 'revision = :r',
    ExpressionAttributeValues: { ':r': revision },
  },
});

describe('transactWrite', () => {
  it('records once, then calls the same record a duplicate', async () => {
    const pk = unique();
    expect(await transactWrite([putNew(pk)])).toBe('recorded');
    expect(await transactWrite([putNew(pk)])).toBe('duplicate');
  });

  it('calls a failed guard beside a new record a conflict, and nothing is written', async () => {
    const guarded = unique();
    await documentClient.send(
      new BatchWriteCommand({
        RequestItems: { [mainTableName()]: [{ PutRequest: { Item: { pk: guarded, sk: 'ITEM', revision: 2 } } }] },
      }),
    );
    const pk = unique();
    expect(await transactWrite([putNew(pk), guard(guarded, 1)])).toBe('conflict');
    expect(
      (await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: { pk, sk: 'ITEM' } }))).Item,
    ).toBeUndefined();
    // Both failing (a duplicate that also lost a race) is a conflict too: the caller must re-read.
    const existing = unique();
    expect(await transactWrite([putNew(existing)])).toBe('recorded');
    expect(await transactWrite([putNew(existing), guard(guarded, 1)])).toBe('conflict');
  });

  it('throws what is not a failed condition', async () => {
    const invalid: TransactItems = [{ Put: { TableName: mainTableName(), Item: { pk: unique() } } }];
    await expect(transactWrite(invalid)).rejects.toThrow();
  });
});

describe('condition failures', () => {
  it('tells a failed condition from any other error, in both API shapes', () => {
    const named = (name: string, message = '') => Object.assign(new Error(message), { name });
    expect(isConditionFailure(named('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionFailure(named('TransactionCanceledException', 'reasons [ConditionalCheckFailed, None]'))).toBe(true);
    expect(isConditionFailure(named('TransactionCanceledException', 'reasons [TransactionConflict]'))).toBe(false);
    expect(isConditionFailure(named('ValidationException'))).toBe(false);
    expect(isConditionFailure({ name: 'ConditionalCheckFailedException' })).toBe(false);
    expect(cancelledConditionIndexes(new Error('no reasons'))).toEqual([]);
    expect(
      cancelledConditionIndexes({ CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, {}] }),
    ).toEqual([1]);
  });
});

describe('countAll', () => {
  it('counts every item a key condition matches, and none of a partition that is empty', async () => {
    const pk = unique();
    await batchPutAll(Array.from({ length: 30 }, (_, i) => ({ pk, sk: `ITEM#${String(i).padStart(2, '0')}` })));
    const query = { TableName: mainTableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } };
    expect(await countAll({ ...query, Limit: 7 })).toBe(30);
    expect(await countAll({ ...query, ExpressionAttributeValues: { ':pk': unique() } })).toBe(0);
  });
});

describe('batchPutAll under throttling', () => {
  it('writes again what DynamoDB leaves unprocessed, and fails loudly when it never writes it', async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      const table = mainTableName();
      dynamo
        .on(BatchWriteCommand)
        .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({
          UnprocessedItems: { [table]: (input.RequestItems[table] ?? []).slice(20) },
        }))
        .resolves({});
      await batchPutAll(Array.from({ length: 30 }, (_, i) => ({ pk: `ITEM#${i}`, sk: 'ITEM' })));
      const sizes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[table]?.length);
      // 25, of which 5 come back; then those 5; then the last 5.
      expect(sizes).toEqual([25, 5, 5]);

      dynamo.reset();
      dynamo
        .on(BatchWriteCommand)
        .callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
      vi.useFakeTimers();
      const failure = expect(batchPutAll([{ pk: 'ITEM#1', sk: 'ITEM' }])).rejects.toThrow('unprocessed items');
      await vi.runAllTimersAsync();
      await failure;
      expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(9);
    } finally {
      dynamo.restore();
    }
  });
});
