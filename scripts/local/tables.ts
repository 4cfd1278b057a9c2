import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, toCreateTableInput } from '#kernel/db/table-definitions';

/**
 * Creates the table from the same definition the CDK stack deploys, or adds the indexes a
 * newer definition has, so an existing DATA_DIR follows the code without losing data.
 * Answers when the table was created.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<{ createdAt: Date }> => {
  const input = toCreateTableInput(definition, tableName);
  let existing: Set<string> | undefined;
  let createdAt: Date | undefined;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
    createdAt = Table?.CreationDateTime;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (existing === undefined) {
    await client.send(new CreateTableCommand(input));
    const { reason } = await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
    createdAt = (reason as { Table?: { CreationDateTime?: Date } } | undefined)?.Table?.CreationDateTime;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
    return { createdAt: createdAt ?? new Date() };
  }
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName ?? '')) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
  return { createdAt: createdAt ?? new Date(0) };
};
