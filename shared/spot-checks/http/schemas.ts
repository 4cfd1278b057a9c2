import { z } from 'zod';
import { Gtin14, Lot, text } from '#kernel/http/common-schemas';
import { PRODUCT_CATEGORIES } from '#registry/contract';
import { RegisterLabReportBody, ReportComparison } from '#test-reports/contract';
import { MAX_INSPECTOR_NAME } from '../domain/inspectors';
import { DRAW_ALGORITHM, SPOT_CHECK_KINDS } from '../domain/spot-check-draw';
import { DRAW_ALGORITHM_V1 } from '../domain/spot-check-draw-v1';
import { DRAW_STATUSES, MAX_INSPECTORS, MAX_POPULATION } from '../domain/spot-checks';

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
    inspectors: z
      .array(z.uuid())
      .min(1)
      .max(MAX_INSPECTORS)
      .describe('Ids of your registered, active inspectors to draw from (POST /v1/inspectors), each once'),
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

/** A result as the public sees it: a unit target by its position in the sorted population, never its serial. */
export const PublishedSpotCheckResult = SpotCheckResultEntry.extend({
  target: z.string().optional().describe('The target (a units draw: only for those entitled to its serials)'),
  targetPosition: z.number().int().optional().describe("A units draw's target: its position in the sorted population"),
}).meta({ id: 'PublishedSpotCheckResult' });

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
    population: z
      .object({ size: z.number().int(), sha256: z.string().describe('Hex SHA-256 of UTF-8(JCS(sorted ids))') })
      .describe('The population by commitment: the list itself is `population` (units draws: for those entitled only)'),
    sampleSize: z.number().int(),
    inspectors: z.array(z.string()).describe('Inspector ids, sorted'),
    inspectorCount: z.number().int(),
    commitment: z.string(),
    committedAt: z.string(),
    fixedAt: z.string(),
    serviceSaltCommitment: z.string().describe('Hex SHA-256 of the service salt, which is published after the reveal'),
  })
  .describe('Exactly what the seed hashes (JCS, RFC 8785)')
  .meta({ id: 'SpotCheckDrawInputs' });

const DrawInputsV1 = z
  .object({
    algorithm: z.literal(DRAW_ALGORITHM_V1),
    drawId: z.string(),
    regulatorOrgId: z.string(),
    scope: DrawScope,
    kind: z.enum(SPOT_CHECK_KINDS),
    population: z.array(z.string()).optional().describe('Withheld from the public for a units draw'),
    sampleSize: z.number().int(),
    inspectors: z.array(z.string()),
    inspectorCount: z.number().int(),
    commitment: z.string(),
    committedAt: z.string(),
    fixedAt: z.string(),
    salt: z.string(),
  })
  .describe('A draw made with the retired traceseal-spot-check/1')
  .meta({ id: 'SpotCheckDrawInputsV1' });

export const SpotCheckInspector = z.object({ id: z.string(), name: z.string() }).meta({ id: 'SpotCheckDrawInspector' });

export const SpotCheckDrawSummary = z
  .object({
    id: z.string(),
    algorithm: z.enum([DRAW_ALGORITHM, DRAW_ALGORITHM_V1]).optional().describe('Absent: traceseal-spot-check/1'),
    regulatorOrgId: z.string(),
    status: z.enum(DRAW_STATUSES),
    scope: DrawScope,
    kind: z.enum(SPOT_CHECK_KINDS),
    sampleSize: z.number().int(),
    inspectors: z.array(z.string()).describe('Inspector ids, sorted (traceseal-spot-check/1: names)'),
    inspectorRoster: z.array(SpotCheckInspector).optional().describe('The inspectors drawn from, with their names'),
    inspectorCount: z.number().int(),
    commitment: z.string(),
    committedAt: z.iso.datetime(),
    revealDeadline: z.iso.datetime(),
    fixedAt: z.iso.datetime().optional(),
    salt: z.string().optional().describe('traceseal-spot-check/1 only'),
    populationSize: z.number().int().optional(),
    populationCommitment: z.string().optional(),
    serviceSaltCommitment: z.string().optional(),
    revealedAt: z.iso.datetime().optional(),
    secret: z.string().optional().describe('Hex, once revealed'),
    serviceSalt: z.string().optional().describe('Hex, once revealed'),
    inputsHash: z.string().optional(),
    seed: z.string().optional(),
    targetPositions: z.array(z.number().int()).optional().describe('Positions in the sorted population, in draw order'),
    targets: z.array(z.string()).optional().describe('In draw order (a units draw: only for those entitled to its serials)'),
    selectedInspectors: z.array(z.string()).optional().describe('Inspector ids, in draw order'),
  })
  .meta({ id: 'SpotCheckDrawSummary' });

export const SpotCheckDraw = SpotCheckDrawSummary.extend({
  inputs: z.union([DrawInputs, DrawInputsV1]).optional(),
  population: z
    .array(z.string())
    .optional()
    .describe('The sorted population once fixed (a units draw: only for those entitled to its serials)'),
  results: z.array(PublishedSpotCheckResult).optional(),
  targetOrganizations: z
    .array(z.object({ id: z.string(), name: z.string(), region: z.string() }))
    .optional()
    .describe('An organizations draw, once drawn: its targets named, in draw order (targets stay the ids it reproduces from)'),
}).meta({ id: 'SpotCheckDraw' });

export const SpotCheckDrawPopulation = z
  .object({
    drawId: z.string(),
    status: z.enum(DRAW_STATUSES),
    kind: z.enum(SPOT_CHECK_KINDS),
    population: z.array(z.string()).describe('Sorted; empty until the draw is fixed'),
    targets: z.array(z.string()).optional().describe('In draw order, once drawn'),
    targetOrganizations: z
      .array(z.object({ id: z.string(), name: z.string(), region: z.string() }))
      .optional()
      .describe('An organizations draw, once drawn: its targets named, in draw order'),
    results: z.array(PublishedSpotCheckResult),
  })
  .meta({ id: 'SpotCheckDrawPopulation' });

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

export const InspectorParams = z.strictObject({ id: z.uuid() });

export const RegisterInspectorBody = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(MAX_INSPECTOR_NAME * 2)
      .describe(
        'Trimmed and NFC-normalized; invisible, format and control characters are refused; one inspector per name (case-insensitive)',
      ),
  })
  .meta({ id: 'RegisterInspectorBody' });

export const Inspector = z
  .object({
    id: z.string().describe('Assigned by the service: draws name inspectors by it'),
    name: z.string(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    deactivatedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Inspector' });

export const InspectorList = z.object({ inspectors: z.array(Inspector) }).meta({ id: 'InspectorList' });
