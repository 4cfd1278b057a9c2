/** Audit exports: a job that writes the events a caller sees as EPCIS, CSV or NDJSON, with a signed manifest. */
import { z } from 'zod';
import { EXPORT_FORMATS } from '../domain/export-formats';

const param = (description: string) => z.string().min(1).max(4096).optional().describe(description);
const list = 'comma-separated';

/** The EPCIS query's filters (shared/custody/domain/epcis-query.ts parses them), without paging. */
export const ExportQuery = z
  .strictObject({
    GE_eventTime: param('eventTime ≥ this date-time'),
    LT_eventTime: param('eventTime < this date-time'),
    GE_recordTime: param('recordTime ≥ this date-time'),
    LT_recordTime: param('recordTime < this date-time (at most now: the export ends when it is created)'),
    EQ_bizStep: param(`CBV business steps; ${list}`),
    EQ_disposition: param(`CBV dispositions; ${list}`),
    MATCH_epc: param(`EPCs in epcList or childEPCs; ${list}`),
    MATCH_anyEPC: param(`EPCs in epcList, childEPCs or parentID; ${list}`),
    MATCH_epcClass: param(`GTIN or GTIN+lot classes; ${list}`),
    EQ_bizLocation: param(`Business location ids; ${list}`),
  })
  .meta({ id: 'ExportQuery' });

export const CreateExportRequest = z
  .strictObject({
    format: z
      .enum(EXPORT_FORMATS)
      .describe('epcis: an EPCIS 2.0 JSON-LD document; csv: UTF-8 with BOM; ndjson: one event per line'),
    query: ExportQuery.default({}),
  })
  .meta({ id: 'CreateExportRequest' });

export const ExportParams = z.strictObject({ exportId: z.uuid() });

const Head = z.object({ treeSize: z.number().int(), rootHash: z.string(), timestamp: z.iso.datetime() });

export const ExportJobView = z
  .object({
    exportId: z.uuid(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    format: z.enum(EXPORT_FORMATS),
    query: z.record(z.string(), z.string()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    eventsWritten: z.number().int().describe('Records durably written so far'),
    percent: z.number().int().min(0).max(100).describe('Estimated from how far into the time range the export is'),
    treeHead: Head.describe('The signed tree head every inclusion proof of the export is against'),
    sha256: z.string().optional(),
    completedAt: z.iso.datetime().optional(),
    manifest: z.string().optional().describe('done: the signed manifest (compact JWS, ES256, key in /.well-known/jwks.json)'),
    download: z
      .object({
        file: z.string().describe('The export file'),
        proofs: z.string().describe('Its proofs sidecar (NDJSON, one line per record)'),
        manifest: z.string().describe('The signed manifest'),
        expiresAt: z.iso.datetime().describe('When the links stop working; GET the job again for new ones'),
      })
      .optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'ExportJob' });
