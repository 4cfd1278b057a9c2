/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */
export type { Batch } from './domain/issuance';
export { BatchOutput, LabelOptions } from './http/schemas';
