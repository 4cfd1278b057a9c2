import { z } from 'zod';
import { DIGSIG_PATTERN, LOT_PATTERN, SERIAL_PATTERN } from '../codes/digital-link';
import { isValidGtin14 } from '../codes/gtin';
import { CONTAINER_KINDS } from '../codes/sscc';
import { BIZ_STEPS, MAX_SUBJECTS_PER_EVENT } from '../custody/types';
import { PRODUCT_CATEGORIES, ROLES } from '../domain/types';
import { VERIFICATION_STATUSES } from '../domain/verification';

/**
 * The one schema source: these validate every request and feed /openapi.json.
 * Objects are strict, so a misspelt field is a clear 400 rather than silently ignored.
 */
export const MAX_BATCH_COUNT = 10_000;

const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);

export const Gtin14 = z
  .string()
  .regex(/^\d{14}$/, 'must be 14 digits')
  .refine(isValidGtin14, 'check digit is wrong')
  .describe('GTIN-14 with a valid GS1 check digit');

export const Lot = z.string().regex(LOT_PATTERN, 'must be 1 to 20 characters of A-Z a-z 0-9 - . _');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable error code'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Role = z.enum(ROLES);

export const CreateOrganizationBody = z.strictObject({
  name: text(200),
  role: Role,
  region: text(100).describe('Province and city, e.g. "CN-GD Shenzhen"; shown to the public at city level'),
  licenseNumber: z
    .string()
    .regex(/^[A-Za-z0-9-]{5,40}$/, 'must be 5 to 40 letters, digits or dashes')
    .describe('Business licence number (e.g. the 18-character unified social credit code)'),
  gs1CompanyPrefix: z
    .string()
    .regex(/^\d{6,12}$/, 'must be 6 to 12 digits')
    .optional()
    .describe(
      "Factories and distributors: the GS1 Company Prefix its SSCCs are built from (unique; 10^(16 - length) references per container kind). Without one, its SSCCs come from a range of TraceSeal's prefix",
    ),
});

export const Organization = CreateOrganizationBody.extend({ id: z.uuid(), createdAt: z.iso.datetime() }).meta({
  id: 'Organization',
});

export const RegisteredOrganization = Organization.extend({
  credentials: z
    .object({ clientId: z.string(), clientSecret: z.string(), tokenUrl: z.url() })
    .optional()
    .describe('In AWS, and in this response only: the OAuth client-credentials app client of the new organization'),
}).meta({ id: 'RegisteredOrganization' });

export const OrgIdParams = z.strictObject({ id: z.uuid() });

export const CreateProductBody = z.strictObject({
  gtin: Gtin14,
  name: text(200),
  category: z.enum(PRODUCT_CATEGORIES),
  standard: text(64).describe('Product standard, e.g. "GB 2811-2019"'),
  laCertificate: z.strictObject({
    number: text(64).describe('LA (labour safety) certificate number'),
    validUntil: isoDate,
  }),
  serviceLifeMonths: z.number().int().min(1).max(600),
});

export const Product = CreateProductBody.extend({ ownerOrgId: z.uuid(), createdAt: z.iso.datetime() }).meta({
  id: 'Product',
});

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

export const VerifyParams = z.object({ gtin: z.string(), lot: z.string(), serial: z.string() });
export const VerifyQuery = z.looseObject({
  '8030': z.string().regex(DIGSIG_PATTERN).optional().describe('AI 8030: key id (4) + ES256 signature (86), base64url'),
});

export const VerificationResult = z
  .object({
    status: z.enum(VERIFICATION_STATUSES),
    message: z.string(),
    code: z.object({ gtin: z.string(), lot: z.string(), serial: z.string().regex(SERIAL_PATTERN) }),
    product: z
      .object({
        gtin: z.string(),
        name: z.string(),
        category: z.string(),
        standard: z.string(),
        laCertificate: z.object({ number: z.string(), validUntil: z.string() }),
        serviceLifeMonths: z.number(),
      })
      .optional(),
    factory: z.object({ id: z.string(), name: z.string(), region: z.string() }).optional(),
    batch: z
      .object({
        lot: z.string(),
        productionDate: z.string(),
        endOfServiceLife: z.string(),
        recalledAt: z.string().optional(),
        recallReason: z.string().optional(),
      })
      .optional(),
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'VerificationResult' });

export const Jwks = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal('ES256'),
        use: z.literal('sig'),
      }),
    ),
  })
  .meta({ id: 'Jwks' });

// ---- custody (issue 4) ------------------------------------------------------------------

const CodeUri = z.url().max(400).describe('A unit or container code as printed: its GS1 Digital Link URI with AI 8030');

export const CustodyEventBody = z
  .strictObject({
    bizStep: z.enum(BIZ_STEPS).describe('CBV 2.0 business step (recall, void and decommissioning_reversal are TraceSeal steps)'),
    eventTime: z.iso.datetime({ offset: true }),
    eventTimeZoneOffset: z.string().regex(/^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/, 'must be like +08:00'),
    epcs: z.array(CodeUri).min(1).max(MAX_SUBJECTS_PER_EVENT).optional().describe('Object events: the codes concerned'),
    parent: CodeUri.optional().describe('packing/unpacking: the case or pallet code'),
    children: z
      .array(CodeUri)
      .min(1)
      .max(MAX_SUBJECTS_PER_EVENT)
      .optional()
      .describe('packing/unpacking: codes put in or taken out'),
    destination: z.uuid().optional().describe('shipping: the receiving organization'),
    reason: z.string().trim().min(1).max(500).optional(),
    lot: z.strictObject({ gtin: Gtin14, lot: Lot }).optional().describe('recall: a whole lot instead of listed units'),
  })
  .meta({ id: 'CustodyEvent' });

export const ErrorDeclarationBody = z
  .strictObject({
    errorDeclaration: z.strictObject({
      eventId: z.string().regex(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/, 'must be an event id this API returned'),
      reason: z.enum(['did_not_occur', 'incorrect_data']),
      correctiveEvents: z.array(CustodyEventBody).min(1).max(10).optional(),
    }),
  })
  .meta({ id: 'ErrorDeclaration' });

export const RecordEventsBody = z.strictObject({
  events: z
    .array(z.union([CustodyEventBody, ErrorDeclarationBody]))
    .min(1)
    .max(1000),
});

export const EventResults = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.enum(['recorded', 'duplicate', 'rejected']),
        eventId: z.string().optional(),
        error: z
          .object({ status: z.number().int(), code: z.string(), message: z.string(), details: z.unknown().optional() })
          .optional(),
        corrective: z.array(z.unknown()).optional().describe('Error declarations: results of their corrective events'),
      }),
    ),
    summary: z.object({ recorded: z.number().int(), duplicate: z.number().int(), rejected: z.number().int() }),
  })
  .meta({ id: 'EventResults' });

// ---- event jobs (a POST /v1/events call that did not fit in its time) ---------------------

const EventJobSummary = z.object({ recorded: z.number().int(), duplicate: z.number().int(), rejected: z.number().int() });
const EventResultList = EventResults.shape.results;

export const EventJobAccepted = z
  .object({
    jobId: z.uuid(),
    status: z.literal('running'),
    results: EventResultList.describe('Results of the events recorded before the call ran out of time, from index 0'),
    summary: EventJobSummary.describe('Of the results above'),
    pending: z.number().int().describe('Events left to the job; GET the Location header for their results'),
  })
  .meta({ id: 'EventJobAccepted' });

export const EventJobParams = z.strictObject({ jobId: z.uuid() });

export const EventJobQuery = z.strictObject({
  cursor: z.string().max(128).optional().describe('From the previous page (opaque)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const EventJob = z
  .object({
    jobId: z.uuid(),
    status: z.enum(['running', 'done', 'failed']),
    total: z.number().int().describe('Events in the call'),
    processed: z.number().int().describe('Events with a result, the first `processed` of the call'),
    pending: z.number().int(),
    summary: EventJobSummary.describe('Of all results so far'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().optional(),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .describe('failed: why the job stopped; events from `processed` on were not recorded'),
    results: EventResultList.describe('One page of results, in call order (index is the position in the call)'),
    cursor: z.string().optional().describe('The next page; while running, poll with it for results to come'),
  })
  .meta({ id: 'EventJob' });

export const CreateContainersBody = z.strictObject({
  kind: z.enum(CONTAINER_KINDS),
  count: z.number().int().min(1).max(1000),
});

export const IssuedContainers = z
  .object({ codes: z.array(z.object({ sscc: z.string(), uri: z.url() })) })
  .meta({ id: 'IssuedContainers' });

export const InventoryQuery = z.strictObject({
  which: z.enum(['held', 'incoming']).default('held'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const Inventory = z
  .object({
    items: z.array(
      z.object({
        epc: z.string(),
        kind: z.enum(['unit', 'container']),
        status: z.string(),
        childCount: z.number().int().optional(),
        since: z.string(),
      }),
    ),
    cursor: z.string().optional(),
  })
  .meta({ id: 'Inventory' });

export const UnitChainParams = z.strictObject({ gtin: Gtin14, lot: Lot, serial: z.string().regex(SERIAL_PATTERN) });
export const SsccParams = z.strictObject({ sscc: z.string().regex(/^\d{18}$/, 'must be an 18-digit SSCC') });

export const Chain = z
  .object({
    subject: z.string(),
    chain: z.array(
      z.object({ event: z.record(z.string(), z.unknown()), eventHash: z.string(), previousEventHash: z.string().nullable() }),
    ),
    check: z.object({
      valid: z.boolean(),
      head: z.string().optional(),
      brokenAt: z.number().optional(),
      reason: z.string().optional(),
    }),
  })
  .meta({ id: 'Chain' });

export const ContainerVerifyQuery = z.looseObject({ '8030': z.string().optional() });
