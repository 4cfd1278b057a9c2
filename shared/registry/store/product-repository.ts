import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { productKey } from '#kernel/db/item-keys';
import { ConflictError, NotFoundError } from '#kernel/errors';
import type { Product } from '../domain/registry';

/** What we keep beside the public product: the per-product key of its serial codec. */
export interface ProductRecord {
  product: Product;
  serialKey: Uint8Array;
}

export const createProduct = async (product: Product, serialKey: Uint8Array): Promise<void> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: {
          ...productKey(product.gtin),
          type: 'product',
          ...product,
          serialKey,
          nextSequence: 0,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('GTIN_EXISTS', `GTIN ${product.gtin} is already registered`);
    }
    throw error;
  }
};

export const getProductRecord = async (gtin: string): Promise<ProductRecord | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: productKey(gtin) }));
  if (Item === undefined) return undefined;
  const { ownerOrgId, name, names, category, standard, laCertificate, serviceLifeMonths, createdAt, serialKey } =
    Item as Product & { serialKey: Uint8Array };
  return {
    product: {
      gtin,
      ownerOrgId,
      name,
      ...(names === undefined ? {} : { names }),
      category,
      standard,
      laCertificate,
      serviceLifeMonths,
      createdAt,
    },
    serialKey,
  };
};

/**
 * Reserves `count` unit sequence numbers for a GTIN with one atomic counter update, so no
 * two batches can ever share one. A batch that fails later leaves a harmless gap.
 */
export const reserveSequences = async (gtin: string, count: number): Promise<number> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: productKey(gtin),
        UpdateExpression: 'ADD nextSequence :count',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const next = Number((Attributes as { nextSequence?: number } | undefined)?.nextSequence);
    return next - count;
  } catch (error) {
    if (isConditionFailure(error)) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
    throw error;
  }
};
