import { z } from 'zod';
import { SERIAL_PATTERN } from '#kernel/codes/digital-link';
import { Gtin14, isoDate, Lot, text } from '#kernel/http/common-schemas';
import { ALERT_RULES } from '../domain/alerts';
import { SCAN_RULE_NAMES } from '../domain/scan-rules';

export const ScanRuleName = z.enum(SCAN_RULE_NAMES);
/** The unit rules, and `counterfeit_wave` (a product's forged labels). */
export const AlertRule = z.enum(ALERT_RULES);

export const ScanRulesParams = z.strictObject({ gtin: Gtin14 });

/** Every field optional: what is left out takes its default. */
export const ScanRulesBody = z
  .strictObject({
    maxScans: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('More scans than this of one unit are suspect (default 50)'),
    maxTravelKmh: z
      .number()
      .min(1)
      .max(100_000)
      .optional()
      .describe('Faster than this between two scans is two labels (default 900)'),
    travelSlackKm: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe('Subtracted from every distance, for coarse geolocation (default 50)'),
    saleRadiusKm: z
      .number()
      .min(1)
      .max(20_000)
      .optional()
      .describe('After a sale, farther than this (with coordinates) is suspect (default 300)'),
    blockAfterHits: z.number().int().min(1).max(1_000_000).optional().describe('Hits that block the code (default 3)'),
    enabledRules: z.array(ScanRuleName).max(SCAN_RULE_NAMES.length).optional().describe('Default: every rule'),
    counterfeitWaveAfter: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        "Scans of the product's forged or unknown labels in one UTC day that raise a counterfeit_wave alert (default 20)",
      ),
  })
  .meta({ id: 'ScanRulesBody' });

export const ScanRules = z
  .object({
    gtin: z.string(),
    rules: z.object({
      maxScans: z.number().int(),
      maxTravelKmh: z.number(),
      travelSlackKm: z.number(),
      saleRadiusKm: z.number(),
      blockAfterHits: z.number().int(),
      enabledRules: z.array(ScanRuleName),
      counterfeitWaveAfter: z.number().int(),
    }),
    defaults: z.boolean().describe('True while the factory never set its own'),
    updatedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'ScanRules' });

export const AlertListQuery = z.strictObject({
  gtin: Gtin14.optional(),
  rule: AlertRule.optional(),
  from: isoDate.optional().describe('First day (UTC) an alert opened, included'),
  to: isoDate.optional().describe('Last day (UTC) an alert opened, included'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const Place = z.object({
  country: z.string().optional(),
  province: z.string().optional(),
  city: z.string().optional(),
  lat: z.number().optional(),
  lon: z.number().optional(),
});

export const Alert = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'closed']),
    rule: AlertRule,
    unit: z
      .object({ gtin: z.string(), lot: z.string(), serial: z.string() })
      .optional()
      .describe('The unit, for every rule but counterfeit_wave'),
    product: z.object({ gtin: z.string() }).optional().describe('counterfeit_wave: the product whose labels were forged'),
    day: isoDate.optional().describe('counterfeit_wave: the UTC day of the scans'),
    forged: z
      .object({ invalid: z.number().int(), unknown: z.number().int() })
      .optional()
      .describe("counterfeit_wave: the day's scans answered invalid (bad signature) and unknown (never issued)"),
    factoryOrgId: z.string(),
    provinces: z.array(z.string()),
    firstAt: z.iso.datetime(),
    lastAt: z.iso.datetime(),
    count: z
      .number()
      .int()
      .describe("Hits of this rule on this unit while the alert was open; counterfeit_wave: the day's forged scans"),
    lastPlace: Place,
    detail: z.string(),
    unitFlag: z.enum(['suspect', 'blocked']).optional().describe('The unit alerts: its flag when last touched'),
    closedAt: z.iso.datetime().optional(),
    closedBy: z.string().optional(),
    closeReason: z.string().optional(),
  })
  .meta({ id: 'Alert' });

export const AlertList = z.object({ alerts: z.array(Alert), cursor: z.string().optional() }).meta({ id: 'AlertList' });

export const UnitParams = z.strictObject({ gtin: Gtin14, lot: Lot, serial: z.string().regex(SERIAL_PATTERN) });

export const UnblockBody = z
  .strictObject({ reason: text(1000).describe('Why the code is trustworthy again; kept in the unit history') })
  .meta({ id: 'UnblockBody' });

export const UnblockResult = z
  .object({
    unit: z.object({ gtin: z.string(), lot: z.string(), serial: z.string() }),
    flagBefore: z.enum(['suspect', 'blocked']),
    unblockedAt: z.iso.datetime(),
    unblockedBy: z.string(),
    reason: z.string(),
    closedAlerts: z.array(z.string()),
    baselineReset: z
      .object({
        scansBefore: z.number().int().describe('Scans the rules had counted before the unblock'),
        since: z.iso.datetime().describe('Scans made from then on are judged, as if the unit had never been scanned'),
      })
      .describe("What the rules judge from (count, remembered places, hits) starts over; kept in the unit's history"),
  })
  .meta({ id: 'UnblockResult' });
