import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getOptionalStringFromEnv } from '../config';
import { AppError } from '../errors';
import { logger } from '../logger';
import { LocalJobQueue, localRunRemainingMs, localWorkers } from './local-job-queue';
import type { WorkerOutcome } from './worker-outcome';

/**
 * The one way a background job reaches its worker, for every kind of job (event, issuance,
 * export). In AWS a dispatch is a message on the kind's queue (its URL in an environment
 * variable), consumed by a Lambda function built with createJobQueueHandler
 * (job-queue-handler.ts). Without a queue (the local runtime, the tests) the run happens in
 * this process, on the kind's fair local queue (local-job-queue.ts), through the worker the
 * local runtime registered (registerLocalJobWorker) with a simulated Lambda deadline, and
 * its outcome is followed up as the Lambda function follows it up: `npm start` exercises
 * the same worker code. The dispatching code never imports its worker: an API function's
 * bundle carries no worker, and a worker's imports never loop back through its dispatcher.
 */

/** One run of a job: its work, within the time `remainingMs` says is left. */
export type JobRun<M> = (message: M, remainingMs: () => number) => Promise<WorkerOutcome>;

export interface JobPipelineOptions<M> {
  /** The kind of job, as logs and the local queue name it: `event`, `issuance`, `export`. */
  name: string;
  /** The environment variable holding the queue's URL, which the stack sets on every function that dispatches. */
  queueUrlEnv: string;
  /** Reads a queue message; undefined for anything that is not one of this kind's. */
  parse: (body: string) => M | undefined;
  /** What logs name the job by (its id), never the whole message. */
  logFields: (message: M) => Record<string, string>;
  /**
   * The organization a message belongs to: the SQS message group id on a fair queue, and
   * locally the tenant the fair queue shares its workers by. Undefined sends no group.
   */
  groupOf?: (message: M) => string | undefined;
  /** The job's id: the local queue's tenant when the message names no group. */
  idOf: (message: M) => string;
  /**
   * A local run's simulated deadline (the worker function's timeout in the stack), which
   * `env` may override; none when absent (a local run is not cut short, save by a stop).
   */
  localTimeout?: { env: string; defaultMs: number };
}

export interface JobPipeline<M> {
  readonly name: string;
  readonly queueUrlEnv: string;
  parse(body: string): M | undefined;
  logFields(message: M): Record<string, string>;
  /** Sends the job to its worker, after `delaySeconds` (at most SQS's 15 minutes). */
  dispatch(message: M, delaySeconds?: number): Promise<void>;
  /** What a run leaves to the queue: a continuation now, a retry after its delay, or nothing. */
  followUp(message: M, outcome: WorkerOutcome): Promise<void>;
}

/** A pipeline with the run that works its jobs: what a queue's Lambda function and the local runtime both run. */
export interface JobWorker<M> {
  pipeline: JobPipeline<M>;
  run: JobRun<M>;
}

/** SQS caps a message delay at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;
/** Like the queue's redrive policy: a local run that keeps throwing is given up after a few tries. */
export const LOCAL_MAX_TRIES = 5;
const LOCAL_RETRY_AFTER_MS = 2000;
/** A job continued this many times locally is given up: a worker that never finishes must not loop forever. */
export const LOCAL_MAX_RUNS = 1000;

const clampDelay = (delaySeconds: number): number =>
  Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(Number.isFinite(delaySeconds) ? delaySeconds : 0)));

/** The local runs of each kind, by pipeline name: registered by the local runtime, never by a Lambda function. */
const localRuns = new Map<string, JobRun<never>>();

/**
 * Makes `worker` run its pipeline's jobs in this process when no queue is configured. The
 * local runtime registers every worker at its start; registering again replaces the run.
 * Answers a function that puts back the run registered before.
 */
export const registerLocalJobWorker = <M>(worker: JobWorker<M>): (() => void) => {
  const before = localRuns.get(worker.pipeline.name);
  localRuns.set(worker.pipeline.name, worker.run as JobRun<never>);
  return () => {
    if (before === undefined) localRuns.delete(worker.pipeline.name);
    else localRuns.set(worker.pipeline.name, before);
  };
};

let sqs: SQSClient | undefined;

/** A job message on its queue, in its organization's message group when it has one. */
const sendToQueue = async (queueUrl: string, message: unknown, delaySeconds: number, group: string | undefined) => {
  sqs ??= new SQSClient({});
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: delaySeconds,
      ...(group === undefined ? {} : { MessageGroupId: group }),
    }),
  );
};

export const createJobPipeline = <M>(options: JobPipelineOptions<M>): JobPipeline<M> => {
  const { name, queueUrlEnv } = options;
  const localQueue = new LocalJobQueue(name, localWorkers);
  const tenantOf = (message: M): string => options.groupOf?.(message) ?? options.idOf(message);
  const localTimeoutMs = (): number => {
    const timeout = options.localTimeout;
    if (timeout === undefined) return Number.POSITIVE_INFINITY;
    const value = Number(getOptionalStringFromEnv(timeout.env) ?? timeout.defaultMs);
    return Number.isFinite(value) && value > 0 ? value : timeout.defaultMs;
  };
  const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

  /** A local delivery: `runs` runs of this job before it (continuations), `tries` of this one (throws). */
  const enqueueLocally = (run: JobRun<M>, message: M, delayMs: number, runs: number, tries: number): void =>
    localQueue.enqueue(tenantOf(message), () => runLocally(run, message, runs, tries), delayMs);

  const runLocally = async (run: JobRun<M>, message: M, runs: number, tries: number): Promise<void> => {
    let outcome: WorkerOutcome;
    try {
      const deadline = Date.now() + localTimeoutMs();
      outcome = await run(message, () => localRunRemainingMs(deadline));
    } catch (error) {
      logger.error(`local ${name} job run failed`, { ...options.logFields(message), tries, error: errorText(error) });
      // As the queue delivers again a message whose run threw, a few times.
      if (tries < LOCAL_MAX_TRIES) enqueueLocally(run, message, LOCAL_RETRY_AFTER_MS, runs, tries + 1);
      return;
    }
    if (outcome.kind !== 'continue' && outcome.kind !== 'retry') return;
    if (runs + 1 >= LOCAL_MAX_RUNS) {
      logger.error(`local ${name} job given up`, { ...options.logFields(message), runs: runs + 1 });
      return;
    }
    const delayMs = outcome.kind === 'retry' ? clampDelay(outcome.delaySeconds) * 1000 : 0;
    enqueueLocally(run, message, delayMs, runs + 1, 1);
  };

  const dispatch = async (message: M, delaySeconds = 0): Promise<void> => {
    const delay = clampDelay(delaySeconds);
    const queueUrl = getOptionalStringFromEnv(queueUrlEnv);
    if (queueUrl !== undefined) return sendToQueue(queueUrl, message, delay, options.groupOf?.(message));
    // A Lambda function is frozen once it has answered: work left in its event loop would
    // never finish. Only a process that outlives its requests may run jobs itself.
    if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
      throw new AppError(500, 'CONFIGURATION_ERROR', `${queueUrlEnv} is not set`);
    }
    // Never a job accepted and silently left: without a queue, a worker must be here to run it.
    const run = localRuns.get(name) as JobRun<M> | undefined;
    if (run === undefined) {
      throw new AppError(500, 'CONFIGURATION_ERROR', `${queueUrlEnv} is not set and no local ${name} job worker is registered`);
    }
    enqueueLocally(run, message, delay * 1000, 0, 1);
  };

  const followUp = async (message: M, outcome: WorkerOutcome): Promise<void> => {
    if (outcome.kind === 'continue') await dispatch(message);
    else if (outcome.kind === 'retry') await dispatch(message, outcome.delaySeconds);
  };

  return { name, queueUrlEnv, parse: options.parse, logFields: options.logFields, dispatch, followUp };
};

/**
 * Reads a job message: a JSON object whose `idField` is a UUID, with the organization
 * (`orgId`, the message group) kept when `grouped` and well formed. Undefined for anything
 * else, which the queue's consumer drops rather than retries.
 */
export const parseJobMessage = <K extends string>(
  body: string,
  idField: K,
  grouped: boolean,
): ({ [key in K]: string } & { orgId?: string }) | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const id = fields[idField];
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const message = { [idField]: id } as { [key in K]: string } & { orgId?: string };
  const orgId = fields.orgId;
  if (grouped && typeof orgId === 'string' && orgId.length > 0 && orgId.length <= 128) message.orgId = orgId;
  return message;
};
