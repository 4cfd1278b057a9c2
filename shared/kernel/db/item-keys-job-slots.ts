/** Key formats of the per-organization job slots: part of item-keys.ts, which re-exports them. */
import type { ItemKey } from './item-key';

/** The background job kinds whose unfinished jobs an organization may hold only so many of. */
export type JobKind = 'issuance' | 'export';

/**
 * One item per organization and kind holding the ids of its unfinished jobs. The kind leads
 * the partition key so that a worker's IAM grant (LeadingKeys `JOBSLOTS#export#*`) reaches
 * only its own kind's slots.
 */
export const jobSlotsPartitionPattern = (kind: JobKind): string => `JOBSLOTS#${kind}#*`;
export const jobSlotsKey = (kind: JobKind, orgId: string): ItemKey => ({ pk: `JOBSLOTS#${kind}#${orgId}`, sk: 'SLOTS' });
