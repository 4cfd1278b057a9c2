import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#kernel/logger';
import { followUp, parseEventJobMessage } from '#shared/custody/services/event-job-dispatcher';
import { processEventJob } from '#shared/custody/services/event-job-worker';

/**
 * The event-jobs queue's consumer: one run per message, until the job is done or this
 * invocation's time runs low, then a new message continues it. A record that throws is
 * reported as failed so SQS delivers it again (and to the dead-letter queue in the end);
 * the others of the batch are not.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = parseEventJobMessage(record.body);
    if (message === undefined) {
      // Retrying a message we cannot read would only fill the dead-letter queue with it.
      logger.error('event job message ignored', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await processEventJob(message.jobId, () => context.getRemainingTimeInMillis());
      await followUp(message.jobId, outcome);
    } catch (error) {
      logger.error('event job message failed', {
        messageId: record.messageId,
        jobId: message.jobId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
