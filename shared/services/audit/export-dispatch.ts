import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '#shared/config';
import { AppError } from '#shared/errors';
import { logger } from '#shared/logger';
import type { ExportRunOutcome } from './export-worker';

/**
 * How an export job reaches its worker: in AWS a message on the export queue
 * (EXPORT_JOBS_QUEUE_URL, consumed by functions/audit-export-worker); without one (the local
 * runtime, the tests) the same `runExportJob` in this process on a later turn of the event
 * loop, run after run until the job is done, as the queue would.
 */
export const EXPORT_JOBS_QUEUE_URL_ENV = 'EXPORT_JOBS_QUEUE_URL';
const RETRY_DELAY_SECONDS = 30;
const LOCAL_MAX_RUNS = 1000;

let sqs: SQSClient | undefined;

export const dispatchExportJob = async (jobId: string, delaySeconds = 0): Promise<void> => {
  const queueUrl = getOptionalStringFromEnv(EXPORT_JOBS_QUEUE_URL_ENV);
  if (queueUrl !== undefined) {
    sqs ??= new SQSClient({});
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ jobId }), DelaySeconds: delaySeconds }),
    );
    return;
  }
  // A Lambda function is frozen once it has answered: only a long-lived process runs jobs itself.
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', `${EXPORT_JOBS_QUEUE_URL_ENV} is not set`);
  }
  setTimeout(() => void runLocally(jobId), delaySeconds * 1000).unref();
};

/** What a run leaves to the queue: a continuation now, a retry later, or nothing. */
export const followUpExport = async (jobId: string, outcome: ExportRunOutcome): Promise<void> => {
  if (outcome === 'continue') await dispatchExportJob(jobId);
  else if (outcome === 'retry') await dispatchExportJob(jobId, RETRY_DELAY_SECONDS);
};

const runLocally = async (jobId: string): Promise<void> => {
  // Loaded on first use: the worker's graph includes the service that imports this module.
  const { runExportJob } = await import('./export-worker');
  for (let run = 0; run < LOCAL_MAX_RUNS; run++) {
    try {
      const outcome = await runExportJob(jobId);
      if (outcome !== 'continue' && outcome !== 'retry') return;
      if (outcome === 'retry') await new Promise((r) => setTimeout(r, 1000));
    } catch (error) {
      logger.error('local export run failed', { jobId, error: error instanceof Error ? error.message : String(error) });
      return;
    }
  }
};

/** Parses a queue message; undefined for anything that is not one of ours. */
export const parseExportJobMessage = (body: string): { jobId: string } | undefined => {
  try {
    const { jobId } = (JSON.parse(body) ?? {}) as { jobId?: unknown };
    return typeof jobId === 'string' && /^[0-9a-f-]{36}$/.test(jobId) ? { jobId } : undefined;
  } catch {
    return undefined;
  }
};
