import type { Principal } from '#kernel/auth/principal';
import { ForbiddenError, NotFoundError } from '#kernel/errors';
import { getProductRecord, requireRegisteredOrg } from '#registry';
import type { ProductLink } from '../domain/link-types';
import { getProductLinks, putProductLinks } from '../store/product-link-repository';

/** Only the factory that registered a GTIN reads or replaces its resolver links. */
const requireProductOwner = async (principal: Principal, gtin: string): Promise<void> => {
  await requireRegisteredOrg(principal);
  const record = await getProductRecord(gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
  if (record.product.ownerOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_PRODUCT_OWNER', 'Only the factory that registered this GTIN can manage its links');
  }
};

export const getProductLinksFor = async (principal: Principal, gtin: string): Promise<ProductLink[]> => {
  await requireProductOwner(principal, gtin);
  return getProductLinks(gtin);
};

/** Replaces the whole set: PUT the same body twice and nothing changes. */
export const replaceProductLinks = async (
  principal: Principal,
  gtin: string,
  links: readonly ProductLink[],
  now = new Date(),
): Promise<ProductLink[]> => {
  await requireProductOwner(principal, gtin);
  await putProductLinks(gtin, links, now.toISOString());
  return [...links];
};
