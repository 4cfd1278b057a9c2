import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getStringFromEnv } from '../config';
import { type CursorShape, decodeCursor, encodeCursor } from './cursors';

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

/**
 * One page of a listing over an index partition, newest or oldest first, with its opaque
 * cursor: the cursor is checked against the listing's exact key shape before any query.
 */
export const queryIndexPage = async (input: {
  indexName: string;
  partition: { attribute: string; value: string };
  cursor: string | undefined;
  cursorShape: CursorShape;
  limit: number;
  newestFirst?: boolean;
}): Promise<{ items: Record<string, unknown>[]; cursor?: string }> => {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      IndexName: input.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': input.partition.attribute },
      ExpressionAttributeValues: { ':pk': input.partition.value },
      ScanIndexForward: input.newestFirst !== true,
      Limit: input.limit,
      ExclusiveStartKey: await decodeCursor(input.cursor, input.cursorShape),
    }),
  );
  return { items: page.Items ?? [], cursor: await encodeCursor(page.LastEvaluatedKey, input.cursorShape) };
};

/** Every page of a query in turn: the one loop over LastEvaluatedKey the helpers below share. */
async function* everyPage(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<QueryCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** Every page of a query, for partitions known to stay small (chains, key sets, chunk lists). */
export const queryAll = async (input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for await (const page of everyPage(input)) items.push(...(page.Items ?? []));
  return items;
};

/**
 * How many items a query matches, over every page: a COUNT query returns no items, and
 * DynamoDB still stops each page at 1 MB of keys read, so a large range takes several.
 */
export const countAll = async (input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Select'>): Promise<number> => {
  let count = 0;
  for await (const page of everyPage({ ...input, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
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

/** How long to wait before asking DynamoDB again for what it left unprocessed. */
const unprocessedBackoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/**
 * Every item of `keys` that exists, in no particular order: gets in groups of 100 (the
 * BatchGetItem limit), asking again with backoff for the keys DynamoDB leaves unprocessed
 * when throttled, so a throttled read is slower, never silently shorter.
 */
export const batchGetAll = async (
  keys: readonly Record<string, unknown>[],
  options: { consistentRead?: boolean; projection?: string } = {},
): Promise<Record<string, unknown>[]> => {
  const TableName = mainTableName();
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed keys');
      if (attempt > 0) await unprocessedBackoff(attempt);
      const result = await documentClient.send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: {
              Keys: [...pending],
              ...(options.consistentRead === true ? { ConsistentRead: true } : {}),
              ...(options.projection === undefined ? {} : { ProjectionExpression: options.projection }),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[TableName] ?? []));
      pending = result.UnprocessedKeys?.[TableName]?.Keys ?? [];
    }
  }
  return items;
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
