import { getProductCached } from '#issuance';
import { type LinkLevel, linkLevels, type ResolverSubject } from '../domain/linkset';
import { getProductLinksCached } from './product-links-cache';
import { certificationLinksFor } from './test-report-scan';

/**
 * The link levels of a resolver request. Product data only: a unit's or container's own
 * links need no read at all, so asking for a linkset tells nothing about whether a serial
 * was issued. Undefined when a product- or lot-level request names a GTIN nobody registered.
 */
export const linkLevelsFor = async (baseUrl: string, subject: ResolverSubject): Promise<LinkLevel[] | undefined> => {
  if (subject.kind === 'container') return linkLevels({ baseUrl, subject });
  const [product, productLinks] = await Promise.all([getProductCached(subject.gtin), getProductLinksCached(subject.gtin)]);
  if (product === undefined && subject.kind !== 'unit') return undefined;
  const certifications = product === undefined ? [] : await certificationLinksFor(baseUrl, product.product);
  return linkLevels({
    baseUrl,
    subject,
    ...(product === undefined ? {} : { product: { name: product.product.name, links: productLinks, certifications } }),
  });
};
