import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#kernel/logger';
import { followUpExport, parseExportJobMessage } from '#shared/audit/services/export-dispatch';
import { runExportJob } from '#shared/audit/services/export-worker';

/**
 * The export queue's consumer: one run per message, until the job is done or this
 * invocation's time runs low; then a new message continues it from its checkpoint. A record
 * that throws is reported failed so SQS delivers it again (and in the end to the DLQ).
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = parseExportJobMessage(record.body);
    if (message === undefined) {
      logger.error('export job message ignored', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await runExportJob(message.jobId, { remainingMs: () => context.getRemainingTimeInMillis() });
      await followUpExport(message, outcome);
    } catch (error) {
      logger.error('export job message failed', {
        messageId: record.messageId,
        jobId: message.jobId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
