import { z } from 'zod';
import { Gtin14, isoDate, Lot } from '#kernel/http/common-schemas';
import { UA_CLASSES, type UaClass } from '../domain/scans';

export const ScanSummaryQuery = z.strictObject({
  gtin: Gtin14.optional().describe('Factories: one of your products'),
  lot: Lot.optional().describe('Factories: one lot of `gtin`'),
  from: isoDate.optional().describe('First day (UTC), included; default 29 days before `to`'),
  to: isoDate.optional().describe('Last day (UTC), included; default today. At most 92 days in all'),
});

const CityScans = z.object({
  city: z.string(),
  province: z.string().optional().describe('ISO 3166-2, e.g. CN-GD'),
  country: z.string().optional().describe('ISO 3166-1 alpha-2'),
  lat: z.number().optional().describe('Degrees, rounded to 0.1'),
  lon: z.number().optional().describe('Degrees, rounded to 0.1'),
  count: z.number().int(),
});

export const ScanSummary = z
  .object({
    scope: z.union([
      z.object({ kind: z.literal('factory'), orgId: z.string() }),
      z.object({ kind: z.literal('product'), gtin: z.string() }),
      z.object({ kind: z.literal('lot'), gtin: z.string(), lot: z.string() }),
      z.object({ kind: z.literal('area'), area: z.string().describe('Province (CN-GD) or country (CN)') }),
    ]),
    from: isoDate,
    to: isoDate,
    total: z.number().int().describe('Every scan answered in the range, cached answers included'),
    unlocated: z.number().int().describe('Scans whose viewer had no city'),
    byDay: z.array(z.object({ day: isoDate, count: z.number().int() })).describe('Days with scans, oldest first'),
    byCity: z.array(CityScans).describe('Map-ready, most scanned first'),
    otherCities: z.number().int().describe('Scans in cities beyond the per-day bound of 500'),
    byKey: z
      .array(z.object({ key: z.string(), count: z.number().int() }))
      .describe('Per lot for one product, per GTIN for a factory or an area; empty for one lot'),
    otherKeys: z.number().int(),
    byUa: z
      .object(Object.fromEntries(UA_CLASSES.map((ua) => [ua, z.number().int()])) as Record<UaClass, z.ZodNumber>)
      .describe('Per user-agent class'),
  })
  .meta({ id: 'ScanSummary' });
