import { randomUUID } from 'node:crypto';
import { viewerOf } from '#custody/contract';
import type { Principal } from '#kernel/auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '#kernel/errors';
import type { SlotClaim } from '#kernel/jobs/job-slot-repository';
import { readJobLimit, requireFreeSlot, STALLED_JOB_MS, withSlot } from '#kernel/jobs/job-slots';
import { getOrganization } from '#registry';
import type { ExportFormat } from '../domain/export-formats';
import { exportLinks } from '../store/export-file-store';
import {
  type ExportJob,
  failStalledExportJob,
  getExportJob,
  putExportJob,
  settleExportSlot,
} from '../store/export-job-repository';
import { latestHead } from '../store/merkle-log-repository';
import { dispatchExportJob, type ExportJobMessage } from './export-dispatch';
import { exportProgress } from './export-progress';
import { planExport } from './export-source';

/** Download links live this long; GET the job again for fresh ones. */
export const EXPORT_LINK_TTL_SECONDS = 15 * 60;
/** Unfinished exports an organization may hold (read at load: a bad setting fails the cold start). */
const EXPORT_JOB_LIMIT = readJobLimit('export');
const settleExport = (orgId: string, jobId: string, now: Date) =>
  settleExportSlot(orgId, jobId, now, new Date(now.getTime() - STALLED_JOB_MS));

const callerViewer = async (principal: Principal) => {
  const org = await getOrganization(principal.orgId);
  if (org === undefined || org.role !== principal.role) throw new ForbiddenError();
  const viewer = viewerOf(org);
  if (viewer.kind === 'nothing') throw new ForbiddenError();
  return viewer;
};

/**
 * Starts an export. The tree head its proofs are against is the newest signed one, fixed
 * now, as is its time range (nothing recorded after this moment), so every run of the job
 * reads the same events and the manifest names one head.
 */
export const createExport = async (
  principal: Principal,
  input: { format: ExportFormat; query: Record<string, string> },
  now = new Date(),
  dispatch: (message: ExportJobMessage) => Promise<void> = dispatchExportJob,
): Promise<ExportJob> => {
  const viewer = await callerViewer(principal);
  const plan = planExport(input.query, viewer, now);
  const head = await latestHead();
  if (head === undefined) {
    throw new ConflictError('NO_CHECKPOINT', 'No tree head is signed yet: POST /v1/audit/checkpoints first');
  }
  // Refused before any write at the organization's limit; the slot is taken with the job.
  const slot: SlotClaim = { kind: 'export', orgId: principal.orgId, limit: EXPORT_JOB_LIMIT };
  await requireFreeSlot(slot, settleExport, now);
  const job: ExportJob = {
    id: randomUUID(),
    orgId: principal.orgId,
    subject: principal.clientId,
    role: principal.role,
    format: input.format,
    query: input.query,
    createdAt: now.toISOString(),
    until: now.toISOString(),
    range: plan.range,
    complete: plan.complete,
    head: {
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      previousTreeSize: head.previousTreeSize,
      signedHead: head.jws,
    },
    state: 'queued',
    checkpoint: { file: { records: 0, bytes: 0, parts: 0 }, proofs: { records: 0, bytes: 0, parts: 0 }, revision: 0 },
    attempts: 0,
    updatedAt: now.toISOString(),
  };
  await withSlot(slot, () => putExportJob(job, slot));
  try {
    await dispatch({ jobId: job.id, orgId: job.orgId });
  } catch (error) {
    // Nothing would ever run it: fail it now, so it does not hold a slot until it counts as stalled.
    await failStalledExportJob(job, new Date(), new Date(Date.now() + 1), {
      code: 'EXPORT_NOT_QUEUED',
      message: 'The export could not be queued; start it again',
    });
    throw error;
  }
  return job;
};

/** A job is its exporter organization's: another organization gets the same 404 as a missing id. */
export const readExport = async (principal: Principal, jobId: string) => {
  await callerViewer(principal);
  const job = await getExportJob(jobId);
  if (job === undefined || job.orgId !== principal.orgId) throw new NotFoundError('EXPORT_NOT_FOUND', 'No such export');
  const links = job.state === 'done' ? await exportLinks(job.id, job.format, EXPORT_LINK_TTL_SECONDS) : undefined;
  return {
    exportId: job.id,
    state: job.state,
    format: job.format,
    query: job.query,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...exportProgress(job),
    treeHead: { treeSize: job.head.treeSize, rootHash: job.head.rootHash, timestamp: job.head.timestamp },
    ...(job.result === undefined
      ? {}
      : { sha256: job.result.sha256, completedAt: job.result.completedAt, manifest: job.result.manifest }),
    ...(links === undefined
      ? {}
      : {
          download: {
            ...links,
            expiresAt: new Date(Date.now() + EXPORT_LINK_TTL_SECONDS * 1000).toISOString(),
          },
        }),
    ...(job.error === undefined ? {} : { error: job.error }),
  };
};
