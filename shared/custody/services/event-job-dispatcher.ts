import { createJobPipeline, parseJobMessage } from '#kernel/jobs/job-pipeline';

/**
 * How an event job reaches its worker (the kernel's job pipeline): in AWS a message on the
 * event-jobs queue (EVENT_JOBS_QUEUE_URL), whose consumer is functions/process-event-job;
 * without a queue (the local runtime, the tests) a run in this process through the same
 * worker (event-job-worker.ts, registered by the local runtime), with a simulated Lambda
 * deadline. Event job messages name no organization: the queue is a standard one.
 */
export interface EventJobMessage {
  jobId: string;
}

/** The worker function's timeout in the stack; locally the simulated deadline of a run. */
export const DEFAULT_WORKER_TIMEOUT_MS = 3 * 60 * 1000;

/** Parses a queue message; undefined for anything that is not one of ours. */
export const parseEventJobMessage = (body: string): EventJobMessage | undefined => parseJobMessage(body, 'jobId', false);

export const eventJobs = createJobPipeline<EventJobMessage>({
  name: 'event',
  queueUrlEnv: 'EVENT_JOBS_QUEUE_URL',
  parse: parseEventJobMessage,
  logFields: ({ jobId }) => ({ jobId }),
  idOf: ({ jobId }) => jobId,
  localTimeout: { env: 'EVENT_JOB_LOCAL_TIMEOUT_MS', defaultMs: DEFAULT_WORKER_TIMEOUT_MS },
});

export const dispatchEventJob = (jobId: string, delaySeconds = 0): Promise<void> => eventJobs.dispatch({ jobId }, delaySeconds);
