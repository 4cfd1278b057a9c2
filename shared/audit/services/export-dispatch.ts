import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { LocalJobQueue, localRunRemainingMs, localWorkers } from '#kernel/jobs/local-job-queue';
import { logger } from '#kernel/logger';
import type { ExportRunOutcome } from './export-worker';

/**
 * How an export job reaches its worker: in AWS a message on the export queue
 * (EXPORT_JOBS_QUEUE_URL, consumed by functions/audit-export-worker); without one (the local
 * runtime, the tests) the same `runExportJob` on the in-process fair queue
 * (local-job-queue.ts), run after run until the job is done, as the queue would. Every
 * message, a continuation included, carries the exporting organization as the SQS message
 * group id: the queue is a fair queue, which serves an organization with a backlog after
 * the others.
 */
export const EXPORT_JOBS_QUEUE_URL_ENV = 'EXPORT_JOBS_QUEUE_URL';
const RETRY_DELAY_SECONDS = 30;
const LOCAL_RETRY_DELAY_MS = 1000;
const LOCAL_MAX_RUNS = 1000;

export interface ExportJobMessage {
  jobId: string;
  /** The exporting organization: the message group id. Absent only in messages sent before it was added. */
  orgId?: string;
}

let sqs: SQSClient | undefined;
const localQueue = new LocalJobQueue('export', localWorkers);

export const dispatchExportJob = async (message: ExportJobMessage, delaySeconds = 0): Promise<void> => {
  const queueUrl = getOptionalStringFromEnv(EXPORT_JOBS_QUEUE_URL_ENV);
  if (queueUrl !== undefined) {
    sqs ??= new SQSClient({});
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds,
        ...(message.orgId === undefined ? {} : { MessageGroupId: message.orgId }),
      }),
    );
    return;
  }
  // A Lambda function is frozen once it has answered: only a long-lived process runs jobs itself.
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', `${EXPORT_JOBS_QUEUE_URL_ENV} is not set`);
  }
  enqueueLocally(message, 0, delaySeconds * 1000);
};

/** What a run leaves to the queue: a continuation now, a retry later, or nothing. */
export const followUpExport = async (message: ExportJobMessage, outcome: ExportRunOutcome): Promise<void> => {
  if (outcome === 'continue') await dispatchExportJob(message);
  else if (outcome === 'retry') await dispatchExportJob(message, RETRY_DELAY_SECONDS);
};

/** Each run is its own turn on the local queue, so a long export yields to other organizations between runs. */
const enqueueLocally = (message: ExportJobMessage, run: number, delayMs: number): void =>
  localQueue.enqueue(message.orgId ?? message.jobId, () => runLocally(message, run), delayMs);

const runLocally = async (message: ExportJobMessage, run: number): Promise<void> => {
  // Loaded on first use: the worker's graph includes the service that imports this module.
  const { runExportJob } = await import('./export-worker');
  try {
    // No deadline of its own (a run here is not cut at 15 minutes), but one that ends when the runtime stops.
    const outcome = await runExportJob(message.jobId, { remainingMs: () => localRunRemainingMs(Number.POSITIVE_INFINITY) });
    if (run + 1 >= LOCAL_MAX_RUNS) return;
    if (outcome === 'continue') enqueueLocally(message, run + 1, 0);
    else if (outcome === 'retry') enqueueLocally(message, run + 1, LOCAL_RETRY_DELAY_MS);
  } catch (error) {
    logger.error('local export run failed', {
      jobId: message.jobId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
};

/** Parses a queue message; undefined for anything that is not one of ours. */
export const parseExportJobMessage = (body: string): ExportJobMessage | undefined => {
  try {
    const { jobId, orgId } = (JSON.parse(body) ?? {}) as { jobId?: unknown; orgId?: unknown };
    if (typeof jobId !== 'string' || !/^[0-9a-f-]{36}$/.test(jobId)) return undefined;
    return typeof orgId === 'string' && orgId.length > 0 && orgId.length <= 128 ? { jobId, orgId } : { jobId };
  } catch {
    return undefined;
  }
};
