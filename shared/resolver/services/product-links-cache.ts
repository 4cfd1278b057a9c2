import { createTtlCache } from '#kernel/ttl-cache';
import type { ProductLink } from '../domain/link-types';
import { getProductLinks } from '../store/product-link-repository';

const productLinks = createTtlCache<ProductLink[]>(60_000);

/**
 * A product's resolver links, as scans and resolver requests show them: the page of every
 * HTML scan reads them, so like products they are kept a minute per container (the CDN keeps
 * answers that long anyway). The links API itself reads them fresh.
 */
export const getProductLinksCached = (gtin: string): Promise<ProductLink[]> =>
  productLinks.get(gtin, () => getProductLinks(gtin));
