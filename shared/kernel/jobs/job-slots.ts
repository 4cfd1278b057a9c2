import { getOptionalStringFromEnv } from '../config';
import type { JobKind } from '../db/item-keys';
import { AppError, TooManyRequestsError } from '../errors';
import { JobSlotsFullError, type SlotClaim, slotHolders } from './job-slot-repository';

/**
 * How many unfinished jobs (queued or running) of each kind an organization may hold, so
 * that one organization's jobs can never take every worker: in AWS the issuance and export
 * workers each run at most 5 at once, and a job holds at most one worker at a time.
 * Read once, when the function loads: a bad value stops it there, not on some request.
 */
export const JOB_LIMIT_ENV: Readonly<Record<JobKind, string>> = {
  issuance: 'MAX_UNFINISHED_ISSUANCE_JOBS_PER_ORG',
  export: 'MAX_UNFINISHED_EXPORTS_PER_ORG',
};
export const DEFAULT_JOB_LIMIT = 2;
/** What Retry-After says to an organization at its limit: about the time a job's run takes to move on. */
export const JOB_SLOT_RETRY_AFTER_SECONDS = 60;
/**
 * A job whose last run started (or last wrote progress) this long ago, with no lease held,
 * has died: its queue message is gone (dead-letter queue) or was never sent. Longer than a
 * run (15 minutes) plus the queue's redelivery of a crashed run's message (90 minutes).
 */
export const STALLED_JOB_MS = 3 * 60 * 60 * 1000;

export const readJobLimit = (kind: JobKind): number => {
  const raw = getOptionalStringFromEnv(JOB_LIMIT_ENV[kind]);
  if (raw === undefined) return DEFAULT_JOB_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AppError(500, 'CONFIGURATION_ERROR', `${JOB_LIMIT_ENV[kind]} must be an integer from 1 to 100`);
  }
  return limit;
};

/**
 * A job kind's way of judging a slot holder: when the job is finished, missing or stalled
 * (STALLED_JOB_MS), it gives the slot back (failing a stalled job, which its organization
 * can resume) and answers true.
 */
export type SettleSlot = (orgId: string, jobId: string, now: Date) => Promise<boolean>;

const NOUN: Readonly<Record<JobKind, string>> = { issuance: 'issuance jobs', export: 'audit exports' };

export const tooManyJobs = (claim: SlotClaim, holders: readonly string[]): TooManyRequestsError =>
  new TooManyRequestsError(
    JOB_SLOT_RETRY_AFTER_SECONDS,
    `Your organization has ${claim.limit} unfinished ${NOUN[claim.kind]}, its limit: retry when one is done`,
    'TOO_MANY_JOBS',
    { kind: claim.kind, limit: claim.limit, unfinished: holders },
  );

/**
 * Before anything is written: answers when the organization has a free slot, first taking
 * back the slots of jobs that finished or died; throws TOO_MANY_JOBS otherwise. The slot
 * itself is taken later, atomically with the job's creation (`withSlot`): this check only
 * spares a refused request any write.
 */
export const requireFreeSlot = async (claim: SlotClaim, settle: SettleSlot, now = new Date()): Promise<void> => {
  let holders = await slotHolders(claim.kind, claim.orgId);
  if (holders.length < claim.limit) return;
  const settled = await Promise.all(holders.map((jobId) => settle(claim.orgId, jobId, now)));
  holders = holders.filter((_, i) => settled[i] !== true);
  if (holders.length >= claim.limit) throw tooManyJobs(claim, holders);
};

/** Runs a creation that takes a slot; a lost race for the last slot is TOO_MANY_JOBS too. */
export const withSlot = async <T>(claim: SlotClaim, create: () => Promise<T>): Promise<T> => {
  try {
    return await create();
  } catch (error) {
    if (error instanceof JobSlotsFullError) throw tooManyJobs(claim, await slotHolders(claim.kind, claim.orgId));
    throw error;
  }
};
