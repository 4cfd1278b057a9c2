/** Key formats of audit export jobs: part of item-keys.ts, which re-exports them. */
import type { ItemKey } from './item-key';

/** One item per export job; its own partition, so a job's updates never contend with another's. */
export const EXPORT_JOB_PREFIX = 'EXPORTJOB#';
export const exportJobKey = (jobId: string): ItemKey => ({ pk: `${EXPORT_JOB_PREFIX}${jobId}`, sk: 'JOB' });
