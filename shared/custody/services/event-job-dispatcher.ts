import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { logger } from '#kernel/logger';

/**
 * The port through which an event job reaches a worker. In AWS it is a message on the
 * event-jobs queue (EVENT_JOBS_QUEUE_URL), whose consumer is functions/process-event-job.
 * Without a queue (the local runtime and the tests) the worker runs in this process, on a
 * later turn of the event loop, through the same `processEventJob` and `followUp` that
 * function calls, with a simulated Lambda deadline: `npm start` exercises the same code.
 */
export interface EventJobMessage {
  jobId: string;
}

/** SQS caps a message delay at 15 minutes. */
const MAX_DELAY_SECONDS = 900;
/** The worker function's timeout in the stack; locally the simulated deadline of a run. */
export const DEFAULT_WORKER_TIMEOUT_MS = 3 * 60 * 1000;

let sqs: SQSClient | undefined;

export const dispatchEventJob = async (jobId: string, delaySeconds = 0): Promise<void> => {
  const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds)));
  const queueUrl = getOptionalStringFromEnv('EVENT_JOBS_QUEUE_URL');
  if (queueUrl !== undefined) {
    sqs ??= new SQSClient({});
    const message: EventJobMessage = { jobId };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delay }));
    return;
  }
  // A Lambda function is frozen once it has answered: work left in its event loop would
  // never finish. Only a process that outlives its requests may run jobs itself.
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'EVENT_JOBS_QUEUE_URL is not set');
  }
  setTimeout(() => void runLocally(jobId), delay * 1000).unref();
};

/** Parses a queue message; undefined for anything that is not one of ours. */
export const parseEventJobMessage = (body: string): EventJobMessage | undefined => {
  try {
    const value = JSON.parse(body) as unknown;
    if (value === null || typeof value !== 'object') return undefined;
    const { jobId } = value as { jobId?: unknown };
    return typeof jobId === 'string' && /^[0-9a-f-]{36}$/.test(jobId) ? { jobId } : undefined;
  } catch {
    return undefined;
  }
};

/** What a worker run leaves to the queue: a continuation, a delayed retry, or nothing. */
export const followUp = async (jobId: string, outcome: WorkerOutcome): Promise<void> => {
  if (outcome.kind === 'continue') await dispatchEventJob(jobId);
  else if (outcome.kind === 'retry') await dispatchEventJob(jobId, outcome.delaySeconds);
};

const localTimeoutMs = (): number => {
  const value = Number(getOptionalStringFromEnv('EVENT_JOB_LOCAL_TIMEOUT_MS') ?? DEFAULT_WORKER_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_WORKER_TIMEOUT_MS;
};

/** Like the queue's redrive policy: a run that keeps failing is given up after a few tries. */
const LOCAL_MAX_TRIES = 5;

const runLocally = async (jobId: string, tries = 1): Promise<void> => {
  try {
    // Loaded on first use: the worker's module graph includes the service that imports
    // this dispatcher, and a static import would make a cycle.
    const { processEventJob } = await import('./event-job-worker');
    const deadline = Date.now() + localTimeoutMs();
    await followUp(jobId, await processEventJob(jobId, () => deadline - Date.now()));
  } catch (error) {
    logger.error('local event job run failed', { jobId, tries, error: error instanceof Error ? error.message : String(error) });
    if (tries < LOCAL_MAX_TRIES) setTimeout(() => void runLocally(jobId, tries + 1), 5000).unref();
  }
};
