import { exportJobWorker } from '#audit';
import { createJobQueueHandler } from '#kernel/jobs/job-queue-handler';

/**
 * The export queue's consumer: one run per message, until the job is done or this
 * invocation's time runs low; then a new message continues it from its checkpoint. A record
 * that throws is reported failed so SQS delivers it again (and in the end to the DLQ).
 */
export const handler = createJobQueueHandler(exportJobWorker);
