/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */
export {
  ACCREDITATION_SCHEMES,
  type LabAccreditation,
  type LaCertificate,
  type Organization,
  PRODUCT_CATEGORIES,
  type Product,
  type ProductCategory,
} from './domain/registry';
// The schema and, under the same name, the domain's type (schemas.ts names both).
export { LocalizedNames } from './http/schemas';
