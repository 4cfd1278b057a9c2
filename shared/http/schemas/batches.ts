import { z } from 'zod';
import { Gtin14, isoDate, Lot, text } from './common';

export const MAX_BATCH_COUNT = 10_000;

export const CreateBatchBody = z.strictObject({
  gtin: Gtin14,
  lot: Lot,
  productionDate: isoDate,
  count: z.number().int().min(1).max(MAX_BATCH_COUNT),
  testReportRef: text(128).optional().describe('Reference of the type-test or batch test report'),
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

export const BatchListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const BatchList = z.object({ batches: z.array(Batch), cursor: z.string().optional() }).meta({ id: 'BatchList' });

export const BatchIdParams = z.strictObject({ id: z.uuid() });

export const CodesQuery = z.strictObject({
  format: z.enum(['csv', 'ndjson']).default('ndjson'),
  cursor: z.string().max(2048).optional().describe('From the Link header of the previous page'),
});
