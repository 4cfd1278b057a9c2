/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */
export { LINK_TYPE_SYNTAX, type ProductLink } from './domain/link-types';
export type { ResolverSubject } from './domain/linkset';
export { resolverDescription } from './domain/resolver-description';
export { LinkTypeParam } from './http/schemas';
