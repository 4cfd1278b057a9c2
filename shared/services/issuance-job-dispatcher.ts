import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '#shared/config';
import { AppError } from '#shared/errors';
import { logger } from '#shared/logger';
import type { WorkerOutcome } from './event-job-dispatcher';

/**
 * How an issuance job reaches its worker: a message on the issuance queue
 * (ISSUANCE_JOBS_QUEUE_URL, consumed by functions/process-issuance-job) in AWS; without a
 * queue (local runtime, tests) a run in this process on a later turn of the event loop,
 * through the same processIssuanceJob, as event jobs do (event-job-dispatcher.ts).
 */
export const ISSUANCE_QUEUE_ENV = 'ISSUANCE_JOBS_QUEUE_URL';
/** The worker function's timeout in the stack (Lambda's most); locally a run's simulated deadline. */
export const ISSUANCE_WORKER_TIMEOUT_MS = 15 * 60 * 1000;

let sqs: SQSClient | undefined;

export const dispatchIssuanceJob = async (batchId: string, delaySeconds = 0): Promise<void> => {
  const delay = Math.max(0, Math.min(900, Math.round(delaySeconds)));
  const queueUrl = getOptionalStringFromEnv(ISSUANCE_QUEUE_ENV);
  if (queueUrl !== undefined) {
    sqs ??= new SQSClient({});
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ batchId }), DelaySeconds: delay }));
    return;
  }
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', `${ISSUANCE_QUEUE_ENV} is not set`);
  }
  // The crash tests play the queue themselves, run by run, with injected failures.
  if (getOptionalStringFromEnv('ISSUANCE_JOBS_LOCAL') === 'manual') return;
  setTimeout(() => void runLocally(batchId), delay * 1000).unref();
};

export const parseIssuanceJobMessage = (body: string): { batchId: string } | undefined => {
  try {
    const value = JSON.parse(body) as { batchId?: unknown } | null;
    const batchId = value?.batchId;
    return typeof batchId === 'string' && /^[0-9a-f-]{36}$/.test(batchId) ? { batchId } : undefined;
  } catch {
    return undefined;
  }
};

export const followUpIssuance = async (batchId: string, outcome: WorkerOutcome): Promise<void> => {
  if (outcome.kind === 'continue') await dispatchIssuanceJob(batchId);
  else if (outcome.kind === 'retry') await dispatchIssuanceJob(batchId, outcome.delaySeconds);
};

const localTimeoutMs = (): number => {
  const value = Number(getOptionalStringFromEnv('ISSUANCE_JOB_LOCAL_TIMEOUT_MS') ?? ISSUANCE_WORKER_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : ISSUANCE_WORKER_TIMEOUT_MS;
};

const runLocally = async (batchId: string, tries = 1): Promise<void> => {
  try {
    // Loaded on first use: the worker imports the batch service, which imports this file.
    const { processIssuanceJob } = await import('./issuance-job-worker');
    const deadline = Date.now() + localTimeoutMs();
    await followUpIssuance(batchId, await processIssuanceJob(batchId, { remainingMs: () => deadline - Date.now() }));
  } catch (error) {
    logger.error('local issuance job run failed', {
      batchId,
      tries,
      error: error instanceof Error ? error.message : String(error),
    });
    if (tries < 5) setTimeout(() => void runLocally(batchId, tries + 1), 2000).unref();
  }
};
