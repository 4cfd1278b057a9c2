import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#kernel/logger';
import { followUpIssuance, parseIssuanceJobMessage } from '#shared/issuance/services/issuance-job-dispatcher';
import { processIssuanceJob } from '#shared/issuance/services/issuance-job-worker';

/**
 * The issuance queue's consumer: one run per message, signing on every vCPU the function's
 * memory buys, until the job is done or time runs low; then a new message continues it.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = parseIssuanceJobMessage(record.body);
    if (message === undefined) {
      logger.error('issuance job message ignored', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await processIssuanceJob(message.batchId, { remainingMs: () => context.getRemainingTimeInMillis() });
      await followUpIssuance(message, outcome);
    } catch (error) {
      logger.error('issuance job message failed', {
        messageId: record.messageId,
        batchId: message.batchId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
