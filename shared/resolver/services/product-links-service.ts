import type { Principal } from '#shared/kernel/auth/principal';
import { ForbiddenError, NotFoundError } from '#shared/kernel/errors';
import { getProductRecord } from '#shared/registry/store/product-repository';
import type { ProductLink } from '#shared/resolver/domain/link-types';
import { getProductLinks, putProductLinks } from '#shared/resolver/store/product-link-repository';
import { requireRegisteredOrg } from '../../registry/services/registry-service';

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
