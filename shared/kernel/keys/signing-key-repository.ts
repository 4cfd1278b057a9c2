/**
 * Only public keys live in the table: the verify and JWKS functions read them here and
 * never get access to the private keys.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PublicJwk } from '../codes/signature';
import { documentClient, mainTableName, queryAll } from '../db/dynamodb-client';
import { SIGNING_KEYS_PARTITION, signingKeyKey } from '../db/item-keys';

export interface PublicKeyRecord {
  jwk: PublicJwk;
  createdAt: string;
}

export const putPublicKey = async (record: PublicKeyRecord): Promise<void> => {
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: { ...signingKeyKey(record.jwk.kid), type: 'signingKey', ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const listPublicKeys = async (): Promise<PublicKeyRecord[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PARTITION },
  });
  return items
    .map((item) => ({ jwk: item.jwk as PublicJwk, createdAt: String(item.createdAt) }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
};
