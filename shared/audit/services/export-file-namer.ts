import { partiesOfEvents, partiesOfUris } from '#custody';
import { newPartiesOf, type PartyUris, vocabulariesOf } from '#custody/contract';
import { logger } from '#kernel/logger';
import { type ExportRecord, encodeRecord, exportEpilogue, masterDataLine } from '../domain/export-formats';
import type { ExportJob } from '../store/export-job-repository';

/**
 * Organizations an EPCIS or NDJSON export names at most. Their URIs ride in the job's
 * checkpoint (under 60 bytes each: about 120 KB at most, inside an item's 400 KB beside the
 * uploads' part tags); those met beyond it stay unnamed, their URNs as recorded.
 */
export const MAX_NAMED_PARTIES = 2000;

/**
 * How the file names organizations, record by record: CSV rows name theirs; EPCIS and NDJSON
 * name each once (NDJSON in a master-data line before the first record naming it, the EPCIS
 * document in its header at the end), going on from those the file already names as of its
 * checkpoint, which `state` gives for the next one.
 */
export const fileNamer = (job: Pick<ExportJob, 'id' | 'format' | 'createdAt'>, named: PartyUris | undefined) => {
  const createdAt = new Date(job.createdAt);
  const seen = { readPoints: new Set(named?.readPoints ?? []), sourceDests: new Set(named?.sourceDests ?? []) };
  const uris = (parties: PartyUris) => [...parties.readPoints, ...parties.sourceDests];
  const soFar = (): PartyUris => ({ readPoints: [...seen.readPoints], sourceDests: [...seen.sourceDests] });
  let full = false;
  return {
    encode: async (record: ExportRecord, n: number): Promise<string> => {
      const event = JSON.parse(record.epcis) as Record<string, unknown>;
      if (job.format === 'csv') return encodeRecord('csv', record, n, await partiesOfEvents([event]));
      const { fresh, beyond } = newPartiesOf(event, seen, MAX_NAMED_PARTIES - seen.readPoints.size - seen.sourceDests.size);
      for (const uri of fresh.readPoints) seen.readPoints.add(uri);
      for (const uri of fresh.sourceDests) seen.sourceDests.add(uri);
      if (!full && beyond > 0) {
        full = true;
        logger.warn('export names no more organizations', { jobId: job.id, limit: MAX_NAMED_PARTIES });
      }
      const line =
        job.format === 'ndjson' && uris(fresh).length > 0
          ? masterDataLine(vocabulariesOf(fresh, await partiesOfUris(uris(fresh))), createdAt)
          : '';
      return `${line}${encodeRecord(job.format, record, n)}`;
    },
    epilogue: async (): Promise<string> =>
      exportEpilogue(job.format, job.format === 'epcis' ? vocabulariesOf(soFar(), await partiesOfUris(uris(soFar()))) : []),
    state: (): { parties?: PartyUris } => (seen.readPoints.size + seen.sourceDests.size === 0 ? {} : { parties: soFar() }),
  };
};
