import type { LinkLanguage, ProductLink } from '../domain/link-types';
import { getProductLinksCached } from './product-links-cache';

/**
 * The safety and instruction links the verify page shows, in the reader's language where the
 * factory gave one per language. Read only for HTML answers of units whose product is known:
 * a forged or unknown code vouches for nothing, so it gets no links.
 */
export const pageLinksFor = async (gtin: string, lang: LinkLanguage): Promise<ProductLink[]> => {
  const links = (await getProductLinksCached(gtin)).filter((l) => l.linkType === 'safetyInfo' || l.linkType === 'instructions');
  return links.filter(
    (link) =>
      link.hreflang === undefined ||
      link.hreflang === lang ||
      !links.some((other) => other.linkType === link.linkType && other.hreflang === lang),
  );
};
