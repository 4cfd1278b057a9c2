import { createJobPipeline, parseJobMessage } from '#kernel/jobs/job-pipeline';

/**
 * How an export job reaches its worker (the kernel's job pipeline): in AWS a message on the
 * export queue (EXPORT_JOBS_QUEUE_URL, consumed by functions/process-export-job); without
 * one (the local runtime, the tests) the same worker (export-worker.ts, registered by the
 * local runtime) on the in-process fair queue, run after run until the job is done, as the
 * queue would; a local run has no deadline of its own but ends when the runtime stops. Every
 * message, a continuation included, carries the exporting organization as the SQS message
 * group id: the queue is a fair queue, which serves an organization with a backlog after
 * the others.
 */
export const EXPORT_JOBS_QUEUE_URL_ENV = 'EXPORT_JOBS_QUEUE_URL';

export interface ExportJobMessage {
  jobId: string;
  /** The exporting organization: the message group id. Absent only in messages sent before it was added. */
  orgId?: string;
}

/** Parses a queue message; undefined for anything that is not one of ours. */
export const parseExportJobMessage = (body: string): ExportJobMessage | undefined => parseJobMessage(body, 'jobId', true);

export const exportJobs = createJobPipeline<ExportJobMessage>({
  name: 'export',
  queueUrlEnv: EXPORT_JOBS_QUEUE_URL_ENV,
  parse: parseExportJobMessage,
  logFields: ({ jobId }) => ({ jobId }),
  groupOf: ({ orgId }) => orgId,
  idOf: ({ jobId }) => jobId,
});

export const dispatchExportJob = exportJobs.dispatch;
