/**
 * The yardstick of the bundles part: a Lambda handler that does nothing but what any DynamoDB-backed
 * function must, a document client and one GetItem. It is bundled exactly like the real
 * functions, so the difference in size and initialization is what our own code adds.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { pk?: string }) => {
  const { Item } = await client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.pk, sk: event.pk } }));
  return { statusCode: Item === undefined ? 404 : 200, body: JSON.stringify(Item ?? {}) };
};
