import { z } from 'zod';
import { BatchOutput, LabelOptions } from '#issuance/contract';
import { SERIAL_PATTERN } from '#kernel/codes/digital-link';
import { CONTAINER_KINDS } from '#kernel/codes/sscc';
import { Gtin14, Lot } from '#kernel/http/common-schemas';
import { LocalizedNames } from '#registry/contract';
import { BIZ_STEPS, MAX_SUBJECTS_PER_EVENT } from '../domain/types';

/** How many events of a call were recorded, were duplicates, were rejected. */
export const EventResultSummary = z.object({
  recorded: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
});

const CodeUri = z
  .url()
  .max(400)
  .describe(
    'A unit or container code: its label URI (AI 8030 must verify), the EPC inventory and EPCIS answers list (https://id.gs1.org/01/{gtin}/21/{serial}, https://id.gs1.org/00/{sscc}) or its EPC URN (urn:epc:id:sgtin:…, urn:epc:id:sscc:…)',
  );

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
    summary: EventResultSummary,
  })
  .meta({ id: 'EventResults' });

export const CreateContainersBody = z.strictObject({
  kind: z.enum(CONTAINER_KINDS),
  count: z.number().int().min(1).max(1000),
  labels: LabelOptions.optional().describe(
    'Printable labels of these containers (the same formats and layout options as a batch): download links in the answer',
  ),
});

export const IssuedContainers = z
  .object({
    codes: z.array(z.object({ sscc: z.string(), uri: z.url() })),
    labels: z
      .array(BatchOutput)
      .optional()
      .describe('When asked for: one file per format, each label the SSCC, its kind and its QR; links valid 6 hours'),
  })
  .meta({ id: 'IssuedContainers' });

export const InventoryQuery = z.strictObject({
  which: z.enum(['held', 'incoming']).default('held'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const InventoryItemBase = {
  epc: z.string().describe('The code as events take it back'),
  status: z.string(),
  since: z.string().describe('When its latest event happened'),
  from: z.object({ id: z.uuid(), name: z.string() }).optional().describe('Incoming only: the organization that shipped it'),
};

export const Inventory = z
  .object({
    items: z.array(
      z.discriminatedUnion('kind', [
        z.object({
          ...InventoryItemBase,
          kind: z.literal('unit'),
          gtin: Gtin14,
          lot: z.string(),
          serial: z.string(),
          product: z
            .object({ name: z.string(), names: LocalizedNames.optional() })
            .optional()
            .describe("The product's registered name (and per language, when its factory gave them)"),
        }),
        z.object({
          ...InventoryItemBase,
          kind: z.literal('container'),
          sscc: z.string(),
          containerKind: z.enum(CONTAINER_KINDS),
          childCount: z.number().int().describe('What it holds directly (cases or units)'),
          unitCount: z
            .number()
            .int()
            .optional()
            .describe('Units in all, through the cases inside (absent for a pallet filled before totals were kept)'),
        }),
      ]),
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
