/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { inviteMember, listActivityFor, listMembersFor, removeMember } from './services/member-service';
export { getOrganizationCached } from './services/organization-cache';
export { searchPartners } from './services/partner-service';
export {
  getOrganizationFor,
  getProductFor,
  listProductsFor,
  registerOrganization,
  registerProduct,
  requireRegisteredOrg,
  updateProductFor,
} from './services/registry-service';
export { getMember, getMemberByUserId } from './store/member-repository';
export { listOrganizationIdsOfRegion } from './store/org-region-repository';
export { getOrganization, getOrganizationIdByClientId } from './store/org-repository';
export { getProductRecord, type ProductPage, type ProductRecord, reserveSequences } from './store/product-repository';
