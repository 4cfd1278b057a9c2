import { batchPartition, type ItemKey } from './keys';

/** An issuance job's state (progress, lease, outputs) beside the code chunks of its batch. */
export const issuanceJobKey = (batchId: string): ItemKey => ({ pk: batchPartition(batchId), sk: 'ISSUANCE' });

/** Where a batch's label file lives in the label bucket (or under DATA_DIR/labels locally). */
export const labelObjectKey = (batchId: string, file: string): string => `batches/${batchId}/${file}`;
/** Label files of one containers call: their own prefix, so batch-file grants never reach them. */
export const containerLabelObjectKey = (requestId: string, file: string): string => `containers/${requestId}/${file}`;
