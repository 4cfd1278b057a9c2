import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { LocalJobQueue, localRunRemainingMs, localWorkers } from '#kernel/jobs/local-job-queue';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { logger } from '#kernel/logger';

/**
 * How an issuance job reaches its worker: a message on the issuance queue
 * (ISSUANCE_JOBS_QUEUE_URL, consumed by functions/process-issuance-job) in AWS; without a
 * queue (local runtime, tests) a run on the in-process fair queue (local-job-queue.ts),
 * through the same processIssuanceJob, as event jobs do (event-job-dispatcher.ts). Every
 * message, a run's continuation included, carries its factory as the SQS message group id:
 * the queue is a fair queue, which serves a factory with a backlog after the others.
 */
export const ISSUANCE_QUEUE_ENV = 'ISSUANCE_JOBS_QUEUE_URL';
/** The worker function's timeout in the stack (Lambda's most); locally a run's simulated deadline. */
export const ISSUANCE_WORKER_TIMEOUT_MS = 15 * 60 * 1000;

export interface IssuanceJobMessage {
  batchId: string;
  /** The factory: the message group id. Absent only in messages sent before it was added. */
  orgId?: string;
}

let sqs: SQSClient | undefined;
const localQueue = new LocalJobQueue('issuance', localWorkers);

export const dispatchIssuanceJob = async (message: IssuanceJobMessage, delaySeconds = 0): Promise<void> => {
  const delay = Math.max(0, Math.min(900, Math.round(delaySeconds)));
  const queueUrl = getOptionalStringFromEnv(ISSUANCE_QUEUE_ENV);
  if (queueUrl !== undefined) {
    sqs ??= new SQSClient({});
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delay,
        ...(message.orgId === undefined ? {} : { MessageGroupId: message.orgId }),
      }),
    );
    return;
  }
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', `${ISSUANCE_QUEUE_ENV} is not set`);
  }
  // The crash tests play the queue themselves, run by run, with injected failures.
  if (getOptionalStringFromEnv('ISSUANCE_JOBS_LOCAL') === 'manual') return;
  localQueue.enqueue(message.orgId ?? message.batchId, () => runLocally(message), delay * 1000);
};

export const parseIssuanceJobMessage = (body: string): IssuanceJobMessage | undefined => {
  try {
    const value = JSON.parse(body) as { batchId?: unknown; orgId?: unknown } | null;
    const batchId = value?.batchId;
    const orgId = value?.orgId;
    if (typeof batchId !== 'string' || !/^[0-9a-f-]{36}$/.test(batchId)) return undefined;
    return typeof orgId === 'string' && orgId.length > 0 && orgId.length <= 128 ? { batchId, orgId } : { batchId };
  } catch {
    return undefined;
  }
};

export const followUpIssuance = async (message: IssuanceJobMessage, outcome: WorkerOutcome): Promise<void> => {
  if (outcome.kind === 'continue') await dispatchIssuanceJob(message);
  else if (outcome.kind === 'retry') await dispatchIssuanceJob(message, outcome.delaySeconds);
};

const localTimeoutMs = (): number => {
  const value = Number(getOptionalStringFromEnv('ISSUANCE_JOB_LOCAL_TIMEOUT_MS') ?? ISSUANCE_WORKER_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : ISSUANCE_WORKER_TIMEOUT_MS;
};

const runLocally = async (message: IssuanceJobMessage, tries = 1): Promise<void> => {
  try {
    // Loaded on first use: the worker imports the batch service, which imports this file.
    const { processIssuanceJob } = await import('./issuance-job-worker');
    const deadline = Date.now() + localTimeoutMs();
    await followUpIssuance(
      message,
      await processIssuanceJob(message.batchId, { remainingMs: () => localRunRemainingMs(deadline) }),
    );
  } catch (error) {
    logger.error('local issuance job run failed', {
      batchId: message.batchId,
      tries,
      error: error instanceof Error ? error.message : String(error),
    });
    // As the queue redelivers a message whose run threw, a few times.
    if (tries < 5) localQueue.enqueue(message.orgId ?? message.batchId, () => runLocally(message, tries + 1), 2000);
  }
};
