import { createJobPipeline, parseJobMessage } from '#kernel/jobs/job-pipeline';

/**
 * How an issuance job reaches its worker (the kernel's job pipeline): a message on the
 * issuance queue (ISSUANCE_JOBS_QUEUE_URL, consumed by functions/process-issuance-job) in
 * AWS; without a queue (local runtime, tests) a run on the in-process fair queue through
 * the same worker (issuance-job-worker.ts, registered by the local runtime). Every message,
 * a run's continuation included, carries its factory as the SQS message group id: the
 * queue is a fair queue, which serves a factory with a backlog after the others.
 */
export const ISSUANCE_QUEUE_ENV = 'ISSUANCE_JOBS_QUEUE_URL';
/** The worker function's timeout in the stack (Lambda's most); locally a run's simulated deadline. */
export const ISSUANCE_WORKER_TIMEOUT_MS = 15 * 60 * 1000;

export interface IssuanceJobMessage {
  batchId: string;
  /** The factory: the message group id. Absent only in messages sent before it was added. */
  orgId?: string;
}

export const parseIssuanceJobMessage = (body: string): IssuanceJobMessage | undefined => parseJobMessage(body, 'batchId', true);

export const issuanceJobs = createJobPipeline<IssuanceJobMessage>({
  name: 'issuance',
  queueUrlEnv: ISSUANCE_QUEUE_ENV,
  parse: parseIssuanceJobMessage,
  logFields: ({ batchId }) => ({ batchId }),
  groupOf: ({ orgId }) => orgId,
  idOf: ({ batchId }) => batchId,
  localTimeout: { env: 'ISSUANCE_JOB_LOCAL_TIMEOUT_MS', defaultMs: ISSUANCE_WORKER_TIMEOUT_MS },
});

export const dispatchIssuanceJob = issuanceJobs.dispatch;
