import { registerLocalJobWorker } from '#kernel/jobs/job-pipeline';
import { exportJobWorker } from '#shared/audit/services/export-worker';
import { eventJobWorker } from '#shared/custody/services/event-job-worker';
import { issuanceJobWorker } from '#shared/issuance/services/issuance-job-worker';

/**
 * The local runtime's stand-in for the three queue consumers: with no queue configured, a
 * dispatched job runs in this process through the same worker its Lambda function runs
 * (shared/kernel/jobs/job-pipeline.ts). Imported only once the runtime has set the
 * environment, as Lambda sets it before loading a function.
 */
export const registerLocalJobWorkers = (): void => {
  registerLocalJobWorker(eventJobWorker);
  registerLocalJobWorker(issuanceJobWorker);
  registerLocalJobWorker(exportJobWorker);
};
