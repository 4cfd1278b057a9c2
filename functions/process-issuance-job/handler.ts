import { issuanceJobWorker } from '#issuance';
import { createJobQueueHandler } from '#kernel/jobs/job-queue-handler';

/**
 * The issuance queue's consumer: one run per message, signing on every vCPU the function's
 * memory buys, until the job is done or time runs low; then a new message continues it. A
 * record that throws is reported as failed so SQS delivers it again.
 */
export const handler = createJobQueueHandler(issuanceJobWorker);
