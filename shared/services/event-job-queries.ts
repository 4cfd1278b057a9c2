import type { Principal } from '#shared/auth/principal';
import { BadRequestError, NotFoundError } from '#shared/errors';
import { listEventJobResults } from '#shared/store/event-job-chunks';
import { type EventJob, type EventJobSummary, getEventJob } from '#shared/store/event-job-repository';
import type { EventResult } from './custody/results';

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
 * A cursor is a position in one job's results, bound to that job like every cursor of
 * this API: one from another job, or forged, is a 400 rather than a silent other page.
 */
const encodeResultCursor = (jobId: string, index: number): string =>
  Buffer.from(`${jobId}#${index}`, 'utf8').toString('base64url');

const parseCursor = (cursor: string | undefined, jobId: string, processed: number): number => {
  if (cursor === undefined) return 0;
  const match = /^([0-9a-f-]{36})#(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const index = match?.[1] === jobId ? Number(match[2]) : Number.NaN;
  // Only positions of results that exist: a larger one was never handed out.
  if (!Number.isInteger(index) || index > processed) {
    throw new BadRequestError('INVALID_CURSOR', 'The cursor is not one this job returned');
  }
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
  const from = parseCursor(page.cursor, job.id, job.nextIndex);
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
      ? { cursor: encodeResultCursor(job.id, after) }
      : {}),
  };
};
