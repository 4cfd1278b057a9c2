import { z } from 'zod';
import { Gtin14, isoDate, text } from '#kernel/http/common-schemas';

/** One clause's result; measured clauses carry their value in the catalogue's unit. */
export const ClauseResult = z
  .strictObject({
    clause: text(64).describe('Clause id of the standard\'s catalogue, e.g. "impact_absorption"'),
    result: z.enum(['pass', 'fail']),
    value: z.number().finite().optional().describe('Measured clauses: the value'),
    unit: text(16).optional().describe("Measured clauses: the unit, which must be the catalogue's"),
  })
  .meta({ id: 'ClauseResult' });

export const ReportProduct = z
  .union([
    z.strictObject({ gtin: Gtin14 }),
    z.strictObject({ description: text(200).describe('For a product not registered here: its model and name') }),
  ])
  .meta({ id: 'ReportProduct' });

const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits')
  .describe('SHA-256 of the PDF, hex');

export const RegisterLabReportBody = z.strictObject({
  number: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, 'must be 1 to 64 letters, digits, dots, dashes, underscores or slashes')
    .describe("The lab's report number"),
  product: ReportProduct,
  factoryOrgId: z.uuid().describe('The factory the report was issued to'),
  standard: text(64).describe('e.g. "GB 2811-2019"'),
  date: isoDate.describe('Issue date'),
  clauses: z.array(ClauseResult).min(1).max(100),
  pdfSha256: Sha256Hex,
});

export const LabReportRegistration = RegisterLabReportBody.extend({
  labOrgId: z.uuid(),
  registeredAt: z.iso.datetime(),
  kid: z.string().describe('The lab key that signed it, published at /.well-known/jwks.json'),
  jws: z.string().describe('Compact JWS (ES256) over the RFC 8785 canonical JSON of every other field but kid'),
}).meta({ id: 'LabReportRegistration' });

/** A whole attach request stays under 4 MiB: Lambda takes 6 MB, and multipart arrives base64-encoded. */
export const MAX_ATTACH_BODY_BYTES = 4 * 1024 * 1024;

const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The text fields of an attachment (multipart/form-data; `clauses` is JSON text, the PDF the file part `pdf`). */
export const AttachReportFields = z.strictObject({
  number: RegisterLabReportBody.shape.number,
  labOrgId: z.uuid().describe('The lab that issued the report'),
  standard: text(64),
  date: isoDate.describe('Issue date'),
  clauses: z
    .string()
    .max(64 * 1024)
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of clause results' });
        return z.NEVER;
      }
    })
    .pipe(z.array(ClauseResult).min(1).max(100)),
  publicPdf: booleanText.optional().describe('"true": anyone may fetch the PDF; default participants and regulators only'),
});

export const TestReportSubjectGtinParams = z.strictObject({ gtin: Gtin14 });
export const TestReportSubjectBatchParams = z.strictObject({ id: z.uuid() });

const Difference = z
  .object({ kind: z.string() })
  .catchall(z.unknown())
  .describe(
    'One named difference: lab_unknown, missing_at_lab, signature_invalid, lab_mismatch, other_factory, other_product, standard_mismatch, date_mismatch, clause_altered, clause_missing, clause_added, pdf_altered, accreditation_expired, not_accredited_for_standard',
  );

export const AttachedReport = z
  .object({
    subject: z.union([
      z.object({ kind: z.literal('product'), gtin: z.string() }),
      z.object({ kind: z.literal('batch'), batchId: z.string(), gtin: z.string(), lot: z.string() }),
    ]),
    factoryOrgId: z.string(),
    number: z.string(),
    labOrgId: z.string(),
    labName: z.string().optional(),
    standard: z.string(),
    date: z.string(),
    clauses: z.array(ClauseResult),
    pdfSha256: z.string(),
    pdfBytes: z.number().int(),
    publicPdf: z.boolean(),
    attachedAt: z.string(),
    verdict: z.enum(['verified', 'unverified', 'mismatched']),
    differences: z.array(Difference),
    comparedAt: z.string(),
  })
  .meta({ id: 'AttachedReport' });

export const CompareReportsQuery = z.strictObject({
  a: z
    .string()
    .regex(/^(product:\d{14}|batch:[0-9a-f-]{36}|lab:[0-9a-f-]{36}:[A-Za-z0-9][A-Za-z0-9._/-]{0,63})$/)
    .describe('A report: `product:<gtin>` (its type test), `batch:<batch id>` (its batch test) or `lab:<lab org id>:<number>`'),
  b: z
    .string()
    .regex(/^(product:\d{14}|batch:[0-9a-f-]{36}|lab:[0-9a-f-]{36}:[A-Za-z0-9][A-Za-z0-9._/-]{0,63})$/)
    .describe('The report compared with a'),
});

export const ReportComparison = z
  .object({
    standard: z.string(),
    clauses: z.array(
      z.object({
        clause: z.string(),
        trend: z.enum(['same', 'better', 'worse', 'only_in_a', 'only_in_b', 'not_comparable']),
        a: ClauseResult.optional(),
        b: ClauseResult.optional(),
        delta: z.number().optional(),
        tolerance: z.number().optional(),
      }),
    ),
  })
  .meta({ id: 'ReportComparison' });

export const ScanTestReport = z
  .object({
    verdict: z
      .enum(['verified', 'unverified', 'mismatched', 'missing'])
      .describe(
        "verified: matches what the lab signed; unverified: the lab has not registered it (yet); mismatched: it differs from the lab's registration, or the lab was not accredited for it; missing: the lot has no report for its standard",
      ),
    scope: z.enum(['batch', 'product']).optional().describe("batch: the lot's own test; product: the design's type test"),
    number: z.string().optional(),
    lab: z.string().optional(),
    date: z.string().optional(),
    keyClauses: z.array(
      z.object({
        clause: z.string(),
        title: z.object({ 'zh-CN': z.string(), en: z.string() }),
        result: z.enum(['pass', 'fail']),
        value: z.number().optional(),
        unit: z.string().optional(),
      }),
    ),
    pdf: z.enum(['public', 'participants']).optional().describe('Who may fetch the PDF'),
  })
  .meta({ id: 'ScanTestReport' });

export const ProductCertifications = z
  .object({
    gtin: z.string(),
    standard: z.string(),
    laCertificate: z.object({ number: z.string(), validUntil: z.string() }),
    typeTest: ScanTestReport,
  })
  .meta({ id: 'ProductCertifications' });
