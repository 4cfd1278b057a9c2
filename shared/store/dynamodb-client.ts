import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getStringFromEnv } from '../config';
import { BadRequestError } from '../errors';

/**
 * One document client per Lambda container, created at module scope so warm invocations
 * reuse its connections. Locally, AWS_ENDPOINT_URL_DYNAMODB points the SDK at DynamoDB
 * Local, so no code path differs between the two.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

let tableName: string | undefined;
/** Read lazily so that importing a repository never fails where no table is needed. */
export const mainTableName = (): string => (tableName ??= getStringFromEnv({ key: 'TABLE_NAME' }));

/** DynamoDB's own way of saying a condition did not hold, in both API shapes. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' && /ConditionalCheckFailed/.test(error.message)));

/** Which items of a cancelled transaction failed their condition, by position. */
export const cancelledConditionIndexes = (error: unknown): number[] => {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
};

/** Opaque pagination cursors: callers never see or build keys. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key === undefined ? undefined : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/**
 * A cursor must come back to the very query that made it: DynamoDB rejects a start key
 * from another partition with a ValidationException, which would otherwise surface as a 500.
 */
export const decodeCursor = (
  cursor: string | undefined,
  expected: Record<string, string>,
): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const key = value as Record<string, unknown> | undefined;
  const matches =
    key !== null &&
    typeof key === 'object' &&
    !Array.isArray(key) &&
    Object.entries(expected).every(([name, want]) => key[name] === want) &&
    Object.values(key).every((v) => typeof v === 'string');
  if (!matches) throw new BadRequestError('INVALID_CURSOR', 'The cursor is not one this listing returned');
  return key;
};

/** Every page of a query, for partitions known to stay small (chains, key sets, chunk lists). */
export const queryAll = async (input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
};

/** Puts in groups of 25, retrying what DynamoDB leaves unprocessed with backoff. */
export const batchPutAll = async (items: Record<string, unknown>[]): Promise<void> => {
  const TableName = mainTableName();
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await documentClient.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
      pending = (result.UnprocessedItems?.[TableName] ?? []) as typeof pending;
    }
  }
};

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
export type TransactOutcome = 'recorded' | 'duplicate' | 'conflict';

/**
 * One transaction whose first item is the record that must not exist yet: only that item
 * failing means the same thing was recorded before; any other failed condition is a
 * concurrent change.
 */
export const transactWrite = async (items: TransactItems): Promise<TransactOutcome> => {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return 'recorded';
  } catch (error) {
    const failed = cancelledConditionIndexes(error);
    if (failed.length === 0) throw error;
    return failed.length === 1 && failed[0] === 0 ? 'duplicate' : 'conflict';
  }
};
