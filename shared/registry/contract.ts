/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */

export {
  assertMayManageMembers,
  type InviteMemberInput,
  isCurrentMember,
  type Member,
  mayManageMembers,
  normalizeEmail,
} from './domain/members';
export {
  type LabAccreditation,
  type LaCertificate,
  type Organization,
  PRODUCT_CATEGORIES,
  type Product,
  type ProductCategory,
  type ProductChanges,
} from './domain/registry';
export { LocalizedNames } from './http/schemas';
