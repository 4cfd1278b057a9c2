import { z } from 'zod';
import { DRAW_ALGORITHM, SPOT_CHECK_KINDS } from '#shared/domain/spot-check-draw';
import { DRAW_STATUSES, MAX_INSPECTORS, MAX_POPULATION } from '#shared/domain/spot-checks';
import { PRODUCT_CATEGORIES } from '#shared/domain/types';
import { Gtin14, Lot, text } from './common';
import { RegisterLabReportBody, ReportComparison } from './test-reports';

export const DrawIdParams = z.strictObject({ id: z.uuid() });
export const DrawTargetParams = z.strictObject({
  id: z.uuid(),
  target: z.string().min(1).max(64).describe('A drawn lot, `{gtin}:{lot}`'),
});

const Province = z
  .string()
  .regex(/^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/, 'must be an ISO 3166-2 subdivision code such as CN-GD')
  .describe('ISO 3166-2 province; defaults to your own (a national regulator must name one)');

const Scope = z.strictObject({
  province: Province.optional(),
  category: z.enum(PRODUCT_CATEGORIES).optional(),
  gtin: Gtin14.optional().describe('kind `units` only: the lot whose units are drawn'),
  lot: Lot.optional().describe('kind `units` only'),
});

export const CreateDrawBody = z
  .strictObject({
    scope: Scope,
    kind: z.enum(SPOT_CHECK_KINDS),
    sampleSize: z.number().int().min(1).max(MAX_POPULATION),
    inspectors: z.array(text(100)).min(1).max(MAX_INSPECTORS).describe('Names or ids of the inspectors to draw from'),
    inspectorCount: z.number().int().min(1).max(MAX_INSPECTORS),
    commitment: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
      .describe('Hex SHA-256 of your secret (32 to 64 random bytes); keep the secret until you reveal it'),
  })
  .meta({ id: 'CreateSpotCheckDrawBody' });

export const RevealDrawBody = z
  .strictObject({
    secret: z
      .string()
      .min(43)
      .max(128)
      .describe('The committed secret: hex (even number of digits) or unpadded base64url, 32 to 64 bytes'),
  })
  .meta({ id: 'RevealSpotCheckDrawBody' });

const LabReportRef = z
  .strictObject({ labOrgId: z.uuid(), number: RegisterLabReportBody.shape.number })
  .describe('A report the testing lab registered (POST /v1/lab-reports) for the sample');

const ResultInput = z.strictObject({
  target: z.string().min(1).max(64),
  result: z.enum(['pass', 'fail']),
  testReportRef: text(200),
  labReport: LabReportRef.optional().describe(
    "The sample's lab report: it must be registered by that lab for the target's product, and is compared with the type test",
  ),
  note: text(2000).optional(),
  corrects: z.number().int().min(0).optional().describe('The entry number (`n`) this one corrects: the latest of the target'),
});

export const RecordResultsBody = z
  .strictObject({ results: z.array(ResultInput).min(1).max(40) })
  .meta({ id: 'RecordSpotCheckResultsBody' });

export const SpotCheckResultEntry = z
  .object({
    drawId: z.string(),
    target: z.string(),
    n: z.number().int().describe('0 for the result; each correction the next number'),
    result: z.enum(['pass', 'fail']),
    testReportRef: z.string(),
    labReport: z.object({ labOrgId: z.string(), number: z.string() }).optional(),
    comparison: z
      .object({ standard: z.string(), worse: z.number().int() })
      .optional()
      .describe('The lab report against the type test: clauses worse in the sample (the clause list is for regulators)'),
    note: z.string().optional(),
    recordedAt: z.iso.datetime(),
    recordedBy: z.string(),
  })
  .meta({ id: 'SpotCheckResultEntry' });

export const SpotCheckComparison = z
  .object({
    drawId: z.string(),
    target: z.string(),
    n: z.number().int().describe('The entry compared: the latest of the target'),
    result: z.enum(['pass', 'fail']),
    labReport: z.object({ labOrgId: z.string(), number: z.string() }),
    comparison: ReportComparison.extend({ worse: z.number().int().describe('Clauses worse in the sample') }),
  })
  .meta({ id: 'SpotCheckComparison' });

const DrawScope = z.object({
  province: z.string(),
  category: z.enum(PRODUCT_CATEGORIES).optional(),
  gtin: z.string().optional(),
  lot: z.string().optional(),
});

const DrawInputs = z
  .object({
    algorithm: z.literal(DRAW_ALGORITHM),
    drawId: z.string(),
    regulatorOrgId: z.string(),
    scope: DrawScope,
    kind: z.enum(SPOT_CHECK_KINDS),
    population: z.array(z.string()),
    sampleSize: z.number().int(),
    inspectors: z.array(z.string()),
    inspectorCount: z.number().int(),
    commitment: z.string(),
    committedAt: z.string(),
    fixedAt: z.string(),
    salt: z.string(),
  })
  .describe('Exactly what the seed hashes (JCS, RFC 8785)');

export const SpotCheckDrawSummary = z
  .object({
    id: z.string(),
    regulatorOrgId: z.string(),
    status: z.enum(DRAW_STATUSES),
    scope: DrawScope,
    kind: z.enum(SPOT_CHECK_KINDS),
    sampleSize: z.number().int(),
    inspectors: z.array(z.string()),
    inspectorCount: z.number().int(),
    commitment: z.string(),
    committedAt: z.iso.datetime(),
    revealDeadline: z.iso.datetime(),
    fixedAt: z.iso.datetime().optional(),
    salt: z.string().optional(),
    populationSize: z.number().int().optional(),
    revealedAt: z.iso.datetime().optional(),
    secret: z.string().optional().describe('Hex, once revealed'),
    inputsHash: z.string().optional(),
    seed: z.string().optional(),
    targets: z.array(z.string()).optional().describe('In draw order'),
    selectedInspectors: z.array(z.string()).optional().describe('In draw order'),
  })
  .meta({ id: 'SpotCheckDrawSummary' });

export const SpotCheckDraw = SpotCheckDrawSummary.extend({
  inputs: DrawInputs.optional(),
  results: z.array(SpotCheckResultEntry).optional(),
}).meta({ id: 'SpotCheckDraw' });

export const SpotCheckDrawList = z
  .object({ draws: z.array(SpotCheckDrawSummary), cursor: z.string().optional() })
  .meta({ id: 'SpotCheckDrawList' });

export const DrawListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const RecordedResults = z.object({ results: z.array(SpotCheckResultEntry) }).meta({ id: 'RecordedSpotCheckResults' });

export const SpotCheckRecall = z
  .object({
    status: z.enum(['recorded', 'duplicate']).describe('duplicate: this recall was already recorded (a retried call)'),
    eventId: z.string().describe('The whole-lot recall event'),
  })
  .meta({ id: 'SpotCheckRecall' });
