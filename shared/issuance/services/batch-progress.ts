import type { Principal } from '#kernel/auth/principal';
import { labelObjectKey } from '#kernel/db/item-keys';
import type { Batch } from '../domain/issuance';
import { getIssuanceJob, type IssuanceState } from '../store/issuance-job-repository';
import { labelFileLink } from '../store/label-file-store';
import { getBatchFor } from './batch-service';
import { DEFAULT_LABEL_OPTIONS, type LabelFormat, type LabelOptions } from './label-file-writer';

/** How long a download link works: long enough to fetch a PDF of a million labels on a slow line. */
export const LABEL_LINK_TTL_SECONDS = 6 * 60 * 60;

export interface LabelFileStage {
  format: LabelFormat;
  state: 'waiting' | 'writing' | 'written';
  labelsWritten: number;
  labels: number;
}

export interface BatchWithProgress extends Batch {
  progress?: { state: IssuanceState; codesIssued: number; percent: number; files: LabelFileStage[] };
  outputs?: { format: LabelFormat; bytes: number; sha256: string; url: string }[];
}

/**
 * A batch as its reader may see it; a job's progress for everyone who may read the batch,
 * and the label links only for the factory that owns it (codes are label material).
 */
export const getBatchWithProgressFor = async (principal: Principal, id: string): Promise<BatchWithProgress> => {
  const batch = await getBatchFor(principal, id);
  const job = await getIssuanceJob<LabelOptions | null>(batch.id);
  if (job === undefined) return batch;
  const codesIssued = Math.min(batch.count, job.chunksDone * Math.ceil(batch.count / Math.max(1, job.chunkCount)));
  const signing = job.state === 'signing' || (job.state === 'failed' && job.chunksDone < job.chunkCount);
  const signed = signing ? job.chunksDone / Math.max(1, job.chunkCount) : 1;
  const files = (job.options?.formats ?? DEFAULT_LABEL_OPTIONS.formats).map((format): LabelFileStage => {
    if (job.outputs.some((output) => output.format === format))
      return { format, state: 'written', labelsWritten: batch.count, labels: batch.count };
    const writing = !signing && job.writing?.format === format;
    const labelsWritten = writing ? Math.min(batch.count, job.writing?.labelsWritten ?? 0) : 0;
    return { format, state: writing ? 'writing' : 'waiting', labelsWritten, labels: batch.count };
  });
  const filesDone = files.reduce((sum, file) => sum + file.labelsWritten, 0) / Math.max(1, files.length * batch.count);
  const progress = {
    state: job.state,
    codesIssued: signing ? codesIssued : batch.count,
    // Signing is most of the work; the label files are the last tenth, by labels written.
    percent: job.state === 'done' ? 100 : Math.floor((signed * 90 + (signing ? 0 : filesDone * 10)) * 10) / 10,
    files,
  };
  if (batch.ownerOrgId !== principal.orgId) return { ...batch, progress };
  const outputs = await Promise.all(
    job.outputs.map(async (output) => ({
      format: output.format as LabelFormat,
      bytes: output.bytes,
      sha256: output.sha256,
      url: await labelFileLink(labelObjectKey(batch.id, output.file), output.file, LABEL_LINK_TTL_SECONDS),
    })),
  );
  return { ...batch, progress, outputs };
};
