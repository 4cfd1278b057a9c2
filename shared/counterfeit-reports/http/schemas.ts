import { z } from 'zod';
import { isoDate, text } from '#kernel/http/common-schemas';
import { MAX_REPORT_PHOTO_BYTES, MAX_REPORT_PHOTOS } from '../domain/report-photos';
import { REPORT_STATUSES } from '../domain/reports';

/**
 * A whole report request, photos included, stays under 4 MiB: a multipart body reaches
 * Lambda base64-encoded (4/3 larger) and Lambda takes at most 6 MB per invocation, well
 * below API Gateway's own 10 MB.
 */
export const MAX_REPORT_BODY_BYTES = 4 * 1024 * 1024;

/** A form sends an untouched optional field as an empty string: that is "not given". */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), text(max).optional());

/** The fields of a report, the same in JSON and in the no-JavaScript form (multipart/form-data). */
export const ReportFields = z.strictObject({
  code: optionalText(1024).describe(
    'The scanned code (its URI), if there is one; a forged or unreadable code is still reportable',
  ),
  place: text(200).describe('Shop, market or site where the item was found'),
  city: text(100),
  description: text(4000).describe('What looks wrong'),
  contact: optionalText(200).describe('Phone or e-mail, shown to regulators only'),
  website: z.string().max(500).optional().describe('Leave empty'),
});

export const CreateReportJsonBody = ReportFields.extend({
  photos: z
    .array(z.string().max(Math.ceil(MAX_REPORT_BODY_BYTES / 3) * 4))
    .max(MAX_REPORT_PHOTOS)
    .optional()
    .describe(`Up to ${MAX_REPORT_PHOTOS} JPEG, PNG or WebP photos, base64, ${MAX_REPORT_PHOTO_BYTES / 1024 / 1024} MiB each`),
}).meta({ id: 'CreateReportBody' });

export const ReportReceipt = z
  .object({
    reference: z.string().describe('Quote it to the factory or the regulator, e.g. TS-2026-7KQ3MX'),
    status: z.literal('received'),
  })
  .meta({ id: 'ReportReceipt' });

export const ReportListQuery = z.strictObject({
  status: z.enum(REPORT_STATUSES).optional(),
  from: isoDate.optional().describe('First day (UTC), included'),
  to: isoDate.optional().describe('Last day (UTC), included'),
  unlocated: z
    .enum(['true', 'false'])
    .optional()
    .describe('Regulators: the reports that could not be tied to any province, instead of your own province'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const ReportedCode = z.union([
  z.object({ kind: z.literal('unit'), gtin: z.string(), lot: z.string(), serial: z.string(), uri: z.string() }),
  z.object({ kind: z.literal('container'), sscc: z.string(), uri: z.string() }),
  z.object({ kind: z.literal('unreadable'), uri: z.string() }),
]);

export const Report = z
  .object({
    reference: z.string(),
    status: z.enum(REPORT_STATUSES),
    createdAt: z.iso.datetime(),
    code: ReportedCode.optional(),
    factoryOrgId: z.string().optional(),
    region: z.string().describe('Province (ISO 3166-2, e.g. CN-GD) or UNLOCATED'),
    place: z.string(),
    city: z.string(),
    description: z.string(),
    contact: z.string().optional().describe('Regulators only'),
    photos: z.array(z.object({ key: z.string(), contentType: z.string(), bytes: z.number().int() })),
  })
  .meta({ id: 'Report' });

export const ReportList = z.object({ reports: z.array(Report), cursor: z.string().optional() }).meta({ id: 'ReportList' });

/** The confirmation page's language (the form's own switch); Accept-Language otherwise. */
export const ReportPageQuery = z.strictObject({ lang: z.enum(['zh-CN', 'en']).optional() });
