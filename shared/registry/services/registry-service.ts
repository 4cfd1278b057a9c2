import { randomBytes, randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { COMPANY_PREFIX_PATTERN, prefixesOverlap, tracesealCompanyPrefix } from '#kernel/codes/sscc';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#kernel/errors';
import { createLabKey } from '#kernel/keys/lab-keys';
import type { Role } from '#kernel/roles';
import type {
  LabAccreditation,
  Organization,
  Product,
  ProductChanges,
  ProductEditor,
  RegisterOrganizationInput,
  RegisterProductInput,
} from '../domain/registry';
import { createOrganization, getOrganization } from '../store/org-repository';
import { createProduct, getProductRecord, listProductsOfOrg, type ProductPage, updateProduct } from '../store/product-repository';
import { type OrganizationCredentials, provisionOrganizationClient } from './org-client-provisioner';

export interface RegisteredOrganization extends Organization {
  /** In AWS only, and only in this one response: the organization's OAuth client. */
  credentials?: OrganizationCredentials;
}

/**
 * Only organizations that pack containers assign SSCCs, so only they register a GS1
 * company prefix; a prefix that overlaps TraceSeal's own would collide with the shared
 * ranges handed to organizations without one. Uniqueness among organizations is enforced
 * by createOrganization's conditional writes.
 */
const assertCompanyPrefixUsable = (role: Role, prefix: string): void => {
  if (!COMPANY_PREFIX_PATTERN.test(prefix)) throw new ValidationError('gs1CompanyPrefix must be 6 to 12 digits');
  if (role !== 'factory' && role !== 'distributor') {
    throw new BadRequestError(
      'COMPANY_PREFIX_NOT_ALLOWED',
      'Only factories and distributors issue SSCCs and register a GS1 company prefix',
    );
  }
  if (prefixesOverlap(prefix, tracesealCompanyPrefix())) {
    throw new ConflictError('COMPANY_PREFIX_EXISTS', `GS1 company prefix ${prefix} overlaps TraceSeal's own prefix`);
  }
};

/** A lab is registered with its accreditation, and only a lab has one. */
const assertAccreditationFits = (role: Role, accreditation: LabAccreditation | undefined): void => {
  if (role === 'lab' && accreditation === undefined) {
    throw new BadRequestError('ACCREDITATION_REQUIRED', 'A lab is registered with its CNAS or CMA accreditation');
  }
  if (role !== 'lab' && accreditation !== undefined) {
    throw new BadRequestError('ACCREDITATION_NOT_ALLOWED', 'Only labs have an accreditation');
  }
  if (accreditation !== undefined && accreditation.validFrom > accreditation.validUntil) {
    throw new ValidationError('accreditation.validFrom must not be after accreditation.validUntil');
  }
};

/**
 * The licence check (in createOrganization) comes before the app client, so a duplicate
 * registration never creates one.
 */
export const registerOrganization = async (
  input: RegisterOrganizationInput,
  now = new Date(),
): Promise<RegisteredOrganization> => {
  const org: Organization = { id: randomUUID(), ...input, createdAt: now.toISOString() };
  if (input.gs1CompanyPrefix !== undefined) assertCompanyPrefixUsable(input.role, input.gs1CompanyPrefix);
  assertAccreditationFits(input.role, input.accreditation);
  await createOrganization(org);
  if (org.role === 'lab') await createLabKey(org.id, now);
  const credentials = await provisionOrganizationClient(org);
  return credentials === undefined ? org : { ...org, credentials };
};

export const getOrganizationFor = async (principal: Principal, id: string): Promise<Organization> => {
  if (principal.role !== 'admin' && principal.role !== 'regulator' && principal.orgId !== id) {
    throw new ForbiddenError('NOT_YOUR_ORGANIZATION', 'You can only read your own organization');
  }
  const org = await getOrganization(id);
  if (org === undefined) throw new NotFoundError('ORG_NOT_FOUND', `Organization ${id} does not exist`);
  return org;
};

/**
 * The token says which organization calls; the registry must agree that it exists in the
 * token's role, so a token for a deleted or re-roled organization can do nothing.
 */
export const requireRegisteredOrg = async (principal: Principal): Promise<Organization> => {
  const org = await getOrganization(principal.orgId);
  if (org === undefined || org.role !== principal.role) {
    throw new ForbiddenError('ORG_NOT_REGISTERED', `Organization ${principal.orgId} is not registered as a ${principal.role}`);
  }
  return org;
};

export const registerProduct = async (principal: Principal, input: RegisterProductInput, now = new Date()): Promise<Product> => {
  await requireRegisteredOrg(principal);
  const product: Product = { ...input, ownerOrgId: principal.orgId, createdAt: now.toISOString() };
  await createProduct(product, randomBytes(32));
  return product;
};

/** A factory's own products, a page at a time; nobody else's. */
export const listProductsFor = async (
  principal: Principal,
  page: { cursor?: string | undefined; limit?: number },
): Promise<ProductPage> => {
  await requireRegisteredOrg(principal);
  return listProductsOfOrg(principal.orgId, page);
};

/** Only the registering factory reads its whole product here (a scan shows anyone its public part). */
export const getProductFor = async (principal: Principal, gtin: string): Promise<Product> => {
  await requireRegisteredOrg(principal);
  const record = await getProductRecord(gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
  if (record.product.ownerOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_PRODUCT_OWNER', 'Only the factory that registered this GTIN reads it here');
  }
  return record.product;
};

const editorOf = (principal: Principal): ProductEditor => ({
  orgId: principal.orgId,
  actor:
    principal.actor?.kind === 'person'
      ? { kind: 'person', userId: principal.actor.userId, name: principal.actor.name }
      : { kind: 'client', clientId: principal.clientId },
});

/**
 * Only the registering factory edits its product, and only what ProductChanges allows; the
 * update is conditional on the owner too, so the check and the write cannot be split.
 */
export const updateProductFor = async (
  principal: Principal,
  gtin: string,
  changes: ProductChanges,
  now = new Date(),
): Promise<Product> => {
  await getProductFor(principal, gtin);
  const updated = await updateProduct(gtin, changes, editorOf(principal), now.toISOString());
  if (updated === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
  return updated;
};
