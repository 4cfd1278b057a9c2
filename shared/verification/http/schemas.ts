import { z } from 'zod';
import { DIGSIG_PATTERN, SERIAL_PATTERN } from '#kernel/codes/digital-link';
import { LocalizedNames } from '#registry/contract';
import { LinkTypeParam } from '#resolver/contract';
import { SCAN_RULE_NAMES } from '#scans/contract';
import { ScanTestReport } from '#test-reports/contract';
import { VERIFICATION_STATUSES } from '../domain/verification';

export const VerifyParams = z.object({ gtin: z.string(), lot: z.string(), serial: z.string() });
export const VerifyQuery = z.looseObject({
  '8030': z.string().regex(DIGSIG_PATTERN).optional().describe('AI 8030: key id (4) + ES256 signature (86), base64url'),
  linkType: LinkTypeParam.optional(),
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
        names: LocalizedNames.optional(),
        category: z.string(),
        standard: z.string(),
        laCertificate: z.object({ number: z.string(), validUntil: z.string() }),
        serviceLifeMonths: z.number(),
      })
      .optional(),
    factory: z
      .object({
        id: z.string(),
        name: z.string(),
        names: LocalizedNames.optional(),
        region: z.string(),
        serviceContact: z.string().optional().describe('Whom buyers and users may call or write to'),
      })
      .optional(),
    batch: z
      .object({
        lot: z.string(),
        productionDate: z.string(),
        endOfServiceLife: z.string(),
        recalledAt: z.string().optional(),
        recallReason: z.string().optional(),
        spotCheckFailed: z
          .object({ at: z.string(), testReportRef: z.string(), drawId: z.string() })
          .optional()
          .describe("A regulator's double-random spot check of this lot failed"),
      })
      .optional(),
    scanAlert: z
      .object({
        level: z.enum(['suspect', 'blocked']),
        rules: z.array(z.enum(SCAN_RULE_NAMES)).describe('The anomaly rules that fired'),
        since: z.iso.datetime().optional().describe('When the unit was flagged'),
      })
      .optional()
      .describe(
        'Present when scans of this unit looked like copies of its label: `suspect` leaves the status as custody decides it, `blocked` makes it `blocked` unless a recall, end of life, void or destruction applies',
      ),
    testReport: ScanTestReport.optional(),
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

export const ContainerVerifyQuery = z.looseObject({ '8030': z.string().optional(), linkType: LinkTypeParam.optional() });

export const ContainerVerificationResult = z
  .object({
    status: z.enum(['genuine', 'invalid', 'unknown', 'voided', 'destroyed', 'recalled']),
    message: z.string(),
    invalidReason: z.enum(['signature_mismatch', 'unknown_key']).optional(),
    code: z.object({ sscc: z.string() }),
    container: z
      .object({
        kind: z.string(),
        childCount: z.number(),
        unitCount: z.number().optional().describe('Units in all, through the cases inside; absent when not known'),
        containsRecalled: z.boolean(),
      })
      .optional(),
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'ContainerVerificationResult' });

/** A label's Digital Link URI as printed (any host), its AI 8030 included; percent-encoded in the query. */
export const VerdictQuery = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(1024)
    .describe(
      "The label's GS1 Digital Link URI with its AI 8030: `https://{host}/01/{gtin}/10/{lot}/21/{serial}?8030=…` or `…/00/{sscc}?8030=…`",
    ),
});

/** What a scan of the label answers as JSON: a unit's verdict or a container's. */
export const Verdict = z.union([VerificationResult, ContainerVerificationResult]).meta({ id: 'Verdict' });
