import type { Principal } from '#kernel/auth/principal';
import { InvalidCursorError, openCursor, sealCursor } from '#kernel/db/cursors';
import { NotFoundError } from '#kernel/errors';
import { listEventJobResults } from '../store/event-job-chunks';
import { type EventJob, type EventJobSummary, getEventJob } from '../store/event-job-repository';
import type { EventResult } from './events/results';

/**
 * Reading an event job (GET /v1/events/jobs/{jobId}), apart from the code that records
 * events, so the function that serves it loads none of that.
 */
export const MAX_RESULTS_PAGE = 1000;

export interface EventJobView {
  jobId: string;
  status: EventJob['status'];
  total: number;
  processed: number;
  pending: number;
  summary: EventJobSummary;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  error?: { code: string; message: string };
  results: EventResult[];
  /** Where the next page starts; absent once every result of a finished job was listed. */
  cursor?: string;
}

/**
 * A cursor is a position in one job's results, sealed for that job and its organization
 * like every cursor of this API: one from another job, or forged, is a 400 rather than a
 * silent other page.
 */
const resultsListing = (jobId: string, orgId: string) => ({ listing: 'event-job-results', parameters: [jobId, orgId] });

const encodeResultCursor = (jobId: string, orgId: string, index: number): Promise<string> =>
  sealCursor(resultsListing(jobId, orgId), String(index));

const parseCursor = async (cursor: string | undefined, jobId: string, orgId: string, processed: number): Promise<number> => {
  const position = await openCursor(cursor, resultsListing(jobId, orgId));
  if (position === undefined) return 0;
  const index = /^\d{1,7}$/.test(position) ? Number(position) : Number.NaN;
  // Only positions of results that exist: a larger one was never handed out.
  if (!Number.isInteger(index) || index > processed) throw new InvalidCursorError();
  return index;
};

/**
 * A job for the organization that submitted it. Anyone else gets the very 404 an
 * unknown id gets, so job ids reveal nothing about other organizations' traffic.
 */
export const readEventJob = async (
  principal: Principal,
  jobId: string,
  page: { cursor?: string; limit: number },
): Promise<EventJobView> => {
  const job = await getEventJob(jobId);
  if (job === undefined || job.orgId !== principal.orgId) {
    throw new NotFoundError('EVENT_JOB_NOT_FOUND', `No event job ${jobId}`);
  }
  const from = await parseCursor(page.cursor, job.id, job.orgId, job.nextIndex);
  const limit = Math.max(1, Math.min(MAX_RESULTS_PAGE, page.limit));
  const results =
    from >= job.nextIndex ? [] : await listEventJobResults<EventResult>(jobId, from, Math.min(limit, job.nextIndex - from));
  const after = from + results.length;
  return {
    jobId: job.id,
    status: job.status,
    total: job.total,
    processed: job.nextIndex,
    pending: job.total - job.nextIndex,
    summary: job.summary,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.completedAt === undefined ? {} : { completedAt: job.completedAt }),
    ...(job.error === undefined ? {} : { error: job.error }),
    results,
    // A running job always gets a cursor: polling with it returns the results to come.
    ...(after < job.total && (job.status === 'running' || after < job.nextIndex)
      ? { cursor: await encodeResultCursor(job.id, job.orgId, after) }
      : {}),
  };
};
