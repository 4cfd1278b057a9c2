import type { Principal } from '#kernel/auth/principal';
import { getProductFor, listProductsFor, type Product } from '#registry';
import { countLotsOfProduct } from '../store/batch-repository';

/** A product as its factory reads it in a listing: with how many lots it issued of it. */
export type ProductWithLots = Product & { lotCount: number };

const withLots = async (product: Product): Promise<ProductWithLots> => ({
  ...product,
  lotCount: await countLotsOfProduct(product.gtin),
});

/** The calling factory's products, a page at a time, each with its lot count (lots are issuance's). */
export const listProductsWithLotsFor = async (
  principal: Principal,
  page: { cursor?: string | undefined; limit?: number },
): Promise<{ products: ProductWithLots[]; cursor?: string }> => {
  const { products, cursor } = await listProductsFor(principal, page);
  return { products: await Promise.all(products.map(withLots)), ...(cursor === undefined ? {} : { cursor }) };
};

export const getProductWithLotsFor = async (principal: Principal, gtin: string): Promise<ProductWithLots> =>
  withLots(await getProductFor(principal, gtin));
