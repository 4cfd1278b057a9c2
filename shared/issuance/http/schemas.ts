import { z } from 'zod';
import { Gtin14, isoDate, Lot, text } from '#kernel/http/common-schemas';
import { MARKET_CODE_PATTERN } from '#kernel/places/provinces';
import { LocalizedNames } from '#registry/contract';

/** Up to this many codes a batch is issued within the request; more (or label outputs) run as a job. */
export const MAX_SYNC_BATCH_COUNT = 10_000;
/**
 * A job's ceiling: a million codes are 1,000 chunk items and under a minute of signing on
 * two cores; the design has no hard limit below the product's sequence space, but outputs
 * (a PDF of 40,000 pages) get unwieldy for a printing line beyond this.
 */
export const MAX_BATCH_COUNT = 1_000_000;

export const LABEL_FORMATS = ['csv', 'ndjson', 'zpl', 'pdf', 'svg-zip', 'png-zip'] as const;

const mm = (min: number, max: number) => z.number().min(min).max(max);

export const LabelOptions = z
  .strictObject({
    formats: z.array(z.enum(LABEL_FORMATS)).min(1).max(LABEL_FORMATS.length).default(['csv', 'ndjson']),
    ecc: z.enum(['L', 'M', 'Q', 'H']).default('M').describe('QR error-correction level'),
    moduleMm: mm(0.17, 2).optional().describe('Printed side of one QR module; the largest that fits the label unless told'),
    labelWidthMm: mm(10, 300).optional(),
    labelHeightMm: mm(10, 300).optional(),
    pageWidthMm: mm(50, 1000).optional().describe('PDF sheets; A4 (210 x 297) unless told'),
    pageHeightMm: mm(50, 1000).optional(),
    marginMm: mm(0, 50).optional(),
    dpi: z.number().int().min(150).max(600).optional().describe('ZPL printer resolution; 300 unless told'),
    cutMarks: z
      .boolean()
      .optional()
      .describe('PDF: marks in the page margin (marginMm 3 or more) where the sheet is cut into labels'),
  })
  .meta({ id: 'LabelOptions' });

export const CreateBatchBody = z.strictObject({
  gtin: Gtin14,
  lot: Lot,
  productionDate: isoDate,
  count: z.number().int().min(1).max(MAX_BATCH_COUNT),
  testReportRef: text(128).optional().describe('Reference of the type-test or batch test report'),
  intendedMarkets: z
    .array(z.string().regex(MARKET_CODE_PATTERN, 'must be an ISO 3166-1 alpha-2 or ISO 3166-2 code (CN, CN-GD)'))
    .min(1)
    .max(50)
    .optional()
    .describe('Where the lot may be sold (countries or provinces); absent = anywhere. A scan elsewhere raises an alert'),
  labels: LabelOptions.optional().describe('Printer-ready outputs; asking for them runs the batch as a job'),
});

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'must be 8 to 128 characters of A-Z a-z 0-9 _ . : -')
    .optional(),
});

export const Batch = z
  .object({
    id: z.uuid(),
    gtin: Gtin14,
    lot: Lot,
    ownerOrgId: z.uuid(),
    productionDate: isoDate,
    count: z.number().int(),
    testReportRef: z.string().optional(),
    intendedMarkets: z.array(z.string()).optional(),
    status: z.enum(['issuing', 'issued']),
    createdAt: z.iso.datetime(),
    recalledAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Batch' });

export const IssuedBatch = z
  .object({
    batch: Batch,
    codes: z.array(z.url()).describe('GS1 Digital Link URIs, in issue order'),
    links: z.object({ csv: z.string(), ndjson: z.string() }),
  })
  .meta({ id: 'IssuedBatch' });

export const BatchOutput = z.object({
  format: z.enum(LABEL_FORMATS),
  bytes: z.number().int(),
  sha256: z.string().describe('Hex SHA-256 of the file, for checking a download'),
  url: z.url().describe('Download link, valid for a limited time (presigned); supports Range'),
});

export const IssuanceProgress = z.object({
  state: z
    .enum(['signing', 'writing-outputs', 'done', 'failed'])
    .describe(
      '`failed`: several runs in a row failed without progress and the job stopped; send the same request with the same Idempotency-Key to resume it where it stopped',
    ),
  codesIssued: z.number().int(),
  percent: z.number().min(0).max(100),
  files: z
    .array(
      z.object({
        format: z.enum(LABEL_FORMATS),
        state: z.enum(['waiting', 'writing', 'written']),
        labelsWritten: z.number().int().describe('Labels written into the file so far (updated every few seconds)'),
        labels: z.number().int(),
      }),
    )
    .describe('Each label file asked for, in the order they are written, once the codes are signed'),
});

export const BatchWithProgress = Batch.extend({
  progress: IssuanceProgress.optional().describe('Batches issued as a job'),
  outputs: z.array(BatchOutput).optional().describe('Label files complete so far'),
}).meta({ id: 'BatchWithProgress' });

export const BatchJobAccepted = z
  .object({ batch: BatchWithProgress, links: z.object({ self: z.string() }) })
  .meta({ id: 'BatchJobAccepted' });

export const BatchListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A listed batch names its product as registered, so a person reads a name rather than a GTIN. */
export const ListedBatch = Batch.extend({
  product: z
    .object({ name: z.string(), names: LocalizedNames.optional() })
    .optional()
    .describe('The product as its factory registered it'),
}).meta({ id: 'ListedBatch' });

export const BatchList = z.object({ batches: z.array(ListedBatch), cursor: z.string().optional() }).meta({ id: 'BatchList' });

export const BatchIdParams = z.strictObject({ id: z.uuid() });

export const CodesQuery = z.strictObject({
  format: z.enum(['csv', 'ndjson']).default('ndjson'),
  cursor: z.string().max(2048).optional().describe('From the Link header of the previous page'),
});
