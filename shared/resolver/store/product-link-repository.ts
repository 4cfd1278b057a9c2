import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { productLinksKey } from '#kernel/db/item-keys';
import type { ProductLink } from '../domain/link-types';

/**
 * A product's resolver links live in one item in the product's partition, so a scan reads
 * them with one GetItem from the partition the verify function may already read, and a
 * factory replaces the whole set at once (no half-updated set is ever visible).
 */
export const getProductLinks = async (gtin: string): Promise<ProductLink[]> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: productLinksKey(gtin) }));
  return ((Item as { links?: ProductLink[] } | undefined)?.links ?? []).map((link) => ({ ...link }));
};

export const putProductLinks = async (gtin: string, links: readonly ProductLink[], updatedAt: string): Promise<void> => {
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: { ...productLinksKey(gtin), type: 'productLinks', links, updatedAt },
    }),
  );
};
