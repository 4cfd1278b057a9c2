import { eventJobWorker } from '#custody';
import { createJobQueueHandler } from '#kernel/jobs/job-queue-handler';

/**
 * The event-jobs queue's consumer: one run per message, until the job is done or this
 * invocation's time runs low, then a new message continues it. A record that throws is
 * reported as failed so SQS delivers it again (and to the dead-letter queue in the end);
 * the others of the batch are not.
 */
export const handler = createJobQueueHandler(eventJobWorker);
