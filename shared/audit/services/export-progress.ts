import type { ExportJob } from '../store/export-job-repository';

/** Where a position (an event's record time first) falls in the export's range, in whole percent below 100. */
const percentOf = (job: Pick<ExportJob, 'range'>, position: string | undefined): number => {
  if (position === undefined) return 0;
  const from = Date.parse(job.range.from);
  const span = Date.parse(job.range.to) - from;
  const at = Date.parse(position.slice(0, 24));
  return span <= 0 || Number.isNaN(at) ? 0 : Math.max(0, Math.min(99, Math.floor(((at - from) / span) * 100)));
};

/**
 * How far an export stands, as GET /v1/audit/exports/{jobId} shows it, read from the job's
 * checkpoint alone (the file or proofs sidecar, whichever is behind). Kept apart from the
 * worker, so the functions that answer about exports carry none of the code that writes them.
 */
export const exportProgress = (job: ExportJob): { eventsWritten: number; percent: number } => {
  const behind = [job.checkpoint.file, job.checkpoint.proofs].reduce((a, b) => (a.records <= b.records ? a : b));
  return { eventsWritten: behind.records, percent: job.state === 'done' ? 100 : percentOf(job, behind.position) };
};
