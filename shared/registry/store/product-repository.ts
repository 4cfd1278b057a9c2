import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName, queryIndexPage } from '#kernel/db/dynamodb-client';
import { productKey, productOwnerIndexKey, productsOfOrgPartition } from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import { ConflictError, NotFoundError } from '#kernel/errors';
import type { Product, ProductChanges, ProductEditor } from '../domain/registry';

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
          ...productOwnerIndexKey(product),
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

/** The public product of a stored item: never its serial key, sequence counter or index keys. */
const toProduct = (item: Record<string, unknown>): Product => {
  const { gtin, ownerOrgId, name, names, category, standard, laCertificate, serviceLifeMonths, createdAt, updatedAt } =
    item as unknown as Product;
  return {
    gtin,
    ownerOrgId,
    name,
    ...(names === undefined ? {} : { names }),
    category,
    standard,
    laCertificate,
    serviceLifeMonths,
    createdAt,
    ...(updatedAt === undefined ? {} : { updatedAt }),
  };
};

export const getProductRecord = async (gtin: string): Promise<ProductRecord | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: productKey(gtin) }));
  if (Item === undefined) return undefined;
  return { product: toProduct({ ...Item, gtin }), serialKey: (Item as { serialKey: Uint8Array }).serialKey };
};

export interface ProductPage {
  products: Product[];
  cursor?: string;
}

/** A factory's products in the order it registered them, a page at a time (the owner index). */
export const listProductsOfOrg = async (
  orgId: string,
  options: { cursor?: string | undefined; limit?: number } = {},
): Promise<ProductPage> => {
  const gsi1pk = productsOfOrgPartition(orgId);
  const page = await queryIndexPage({
    indexName: INDEXES.byOwner,
    partition: { attribute: 'gsi1pk', value: gsi1pk },
    cursor: options.cursor,
    cursorShape: { listing: 'products', exact: { gsi1pk, sk: 'PRODUCT' }, prefixed: { gsi1sk: '', pk: 'PRODUCT#' } },
    limit: options.limit ?? 50,
  });
  return { products: page.items.map(toProduct), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
};

/**
 * Applies its owner's changes in one conditional update: a product that is gone, or that
 * another factory owns, is left as it was (undefined). The editor and the time stay on the item, as a
 * product's scan rules keep theirs.
 */
export const updateProduct = async (
  gtin: string,
  changes: ProductChanges,
  editor: ProductEditor,
  updatedAt: string,
): Promise<Product | undefined> => {
  const fields = Object.entries({ ...changes, updatedAt, updatedBy: editor }).filter(([, value]) => value !== undefined);
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: productKey(gtin),
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND ownerOrgId = :owner',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          ':owner': editor.orgId,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toProduct({ ...Attributes, gtin });
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
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
