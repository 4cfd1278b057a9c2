import { z } from 'zod';
import { INBOX_KINDS, INBOX_STATUSES } from '#inbox/contract';
import { Gtin14, isoDate, text } from '#kernel/http/common-schemas';
import { Report } from '../counterfeit-reports/http/schemas';

export const InboxEntryParams = z.strictObject({
  kind: z.enum(INBOX_KINDS),
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a report reference or an alert id')
    .describe('The report reference (TS-2026-7KQ3MX) or the alert id'),
});

export const InboxListQuery = z.strictObject({
  kind: z.enum(INBOX_KINDS).optional(),
  status: z.enum(INBOX_STATUSES).optional(),
  gtin: Gtin14.optional(),
  from: isoDate.optional().describe('First day (UTC) the entry was filed, included'),
  to: isoDate.optional().describe('Last day (UTC), included'),
  unlocated: z
    .enum(['true', 'false'])
    .optional()
    .describe('The entries no province could be tied to (every regulator may work them), instead of your own area'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const InboxStatusBody = z
  .strictObject({
    status: z.enum(INBOX_STATUSES).describe('new → investigating → closed; closed → investigating reopens'),
    note: text(2000).optional().describe('Required when closing and when reopening'),
    expectedVersion: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('The entry version you read: if it changed since, the answer is 409 INBOX_CONCURRENT_CHANGE'),
  })
  .meta({ id: 'InboxStatusChange' });

export const InboxEntry = z
  .object({
    kind: z.enum(INBOX_KINDS),
    id: z.string(),
    createdAt: z.iso.datetime(),
    provinces: z.array(z.string()).describe('ISO 3166-2 provinces; empty when unlocated'),
    factoryOrgId: z.string().optional(),
    gtin: z.string().optional(),
    title: z.string(),
    status: z.enum(INBOX_STATUSES),
    version: z.number().int().describe('0 when filed; one more per status change'),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'InboxEntry' });

export const InboxList = z.object({ entries: z.array(InboxEntry), cursor: z.string().optional() }).meta({ id: 'InboxList' });

export const InboxChange = z
  .object({
    at: z.iso.datetime(),
    by: z.object({ orgId: z.string(), subject: z.string().describe("The token's subject (its OAuth client)") }),
    from: z.enum(INBOX_STATUSES),
    to: z.enum(INBOX_STATUSES),
    note: z.string().optional(),
  })
  .meta({ id: 'InboxChange' });

export const InboxDetail = z
  .object({
    entry: InboxEntry,
    report: Report.optional().describe('The report, with the reporter contact, when the entry is one'),
    photos: z
      .array(
        z.object({
          url: z.url().describe('View the photo: a link valid until expiresAt (presigned)'),
          contentType: z.string(),
          bytes: z.number().int(),
          expiresAt: z.iso.datetime(),
        }),
      )
      .optional()
      .describe("The report's photos, in the order sent; read the entry again for fresh links"),
    alert: z.record(z.string(), z.unknown()).optional().describe('The alert, when the entry is one'),
    history: z.array(InboxChange).describe('Every status change, oldest first; append-only'),
  })
  .meta({ id: 'InboxDetail' });
