import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../logger';
import type { JobWorker } from './job-pipeline';

/**
 * A job queue's consumer, the same for every kind: one run per message, with the time this
 * invocation has left, until the job is done or time runs low; then the follow-up (a new
 * message) continues it. A record whose run or follow-up throws is reported as failed, so
 * SQS delivers it again (and to the dead-letter queue in the end); the others of the batch
 * are not. A message nobody can read is dropped: retrying it would only fill the
 * dead-letter queue with it.
 */
export const createJobQueueHandler =
  <M>({ pipeline, run }: JobWorker<M>) =>
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = pipeline.parse(record.body);
      if (message === undefined) {
        logger.error(`${pipeline.name} job message ignored`, { messageId: record.messageId });
        continue;
      }
      try {
        await pipeline.followUp(message, await run(message, () => context.getRemainingTimeInMillis()));
      } catch (error) {
        logger.error(`${pipeline.name} job message failed`, {
          messageId: record.messageId,
          ...pipeline.logFields(message),
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
