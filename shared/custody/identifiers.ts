import { createHash } from 'node:crypto';
import type { CustodyEvent, SubjectRef } from './types';
import { EPCIS_SHAPES } from './vocabulary';

/** EPCs as EPCIS writes them: GS1 Digital Link on the canonical resolver host. */
export const epcOf = (ref: SubjectRef): string =>
  ref.kind === 'unit' ? `https://id.gs1.org/01/${ref.gtin}/21/${ref.serial}` : `https://id.gs1.org/00/${ref.sscc}`;

export const orgUri = (orgId: string): string => `urn:traceseal:org:${orgId}`;

/**
 * Deterministic event ids in the style of the EPCIS event hash (GS1's "ni:///sha-256;…"):
 * the hash of a canonical pre-hash string of the event's fields in a fixed order, lists
 * sorted, time normalised to UTC milliseconds. The same event reported twice gets the same
 * id, so a retry is recorded once. The reporting organization is part of the event.
 */
export const canonicalPreHash = (event: Omit<CustodyEvent, 'eventId'>): string => {
  const shape = EPCIS_SHAPES[event.bizStep];
  const parts = [
    `eventType=${shape.type}`,
    `eventTime=${new Date(event.eventTime).toISOString()}`,
    `eventTimeZoneOffset=${event.eventTimeZoneOffset}`,
    `action=${shape.action}`,
    ...(event.parent === undefined ? [] : [`parentID=${epcOf(event.parent)}`]),
    ...event.subjects
      .map(epcOf)
      .sort()
      .map((epc) => `${shape.type === 'AggregationEvent' ? 'childEPCs' : 'epcList'}=${epc}`),
    `bizStep=${shape.bizStep}`,
    `disposition=${shape.disposition}`,
    ...(event.destinationOrgId === undefined ? [] : [`destination=${orgUri(event.destinationOrgId)}`]),
    `reporter=${orgUri(event.actorOrgId)}`,
    ...(event.reason === undefined ? [] : [`reason=${event.reason}`]),
  ];
  return parts.join('\n');
};

export const eventIdFromPreHash = (preHash: string): string =>
  `ni:///sha-256;${createHash('sha256').update(preHash, 'utf8').digest('hex')}?ver=CBV2.0`;

export const eventIdOf = (event: Omit<CustodyEvent, 'eventId'>): string => eventIdFromPreHash(canonicalPreHash(event));

export { stableStringify } from '#shared/domain/canonical-json';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
