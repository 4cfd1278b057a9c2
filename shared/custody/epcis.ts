import { epcOf, eventIdFromPreHash, orgUri } from './identifiers';
import type { CustodyEvent, SubjectRef } from './types';
import { EPCIS_SHAPES, TRACESEAL_VOCABULARY } from './vocabulary';

/**
 * Recorded events as EPCIS 2.0 JSON-LD: what the chain API returns, what exports carry,
 * and what hashes are taken over. Our extension fields use the `traceseal:` prefix that
 * the document context defines.
 */
export const EPCIS_CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { traceseal: TRACESEAL_VOCABULARY },
] as const;

export interface RecordedEvent extends CustodyEvent {
  recordTime: string;
}

export type EpcisEvent = Record<string, unknown>;

export const toEpcisEvent = (event: RecordedEvent): EpcisEvent => {
  const shape = EPCIS_SHAPES[event.bizStep];
  const subjects = event.subjects.map(epcOf);
  return {
    type: shape.type,
    eventID: event.eventId,
    eventTime: event.eventTime,
    eventTimeZoneOffset: event.eventTimeZoneOffset,
    recordTime: event.recordTime,
    action: shape.action,
    ...(shape.type === 'AggregationEvent'
      ? { ...(event.parent === undefined ? {} : { parentID: epcOf(event.parent) }), childEPCs: subjects }
      : { epcList: subjects }),
    bizStep: shape.bizStep,
    disposition: shape.disposition,
    readPoint: { id: orgUri(event.actorOrgId) },
    ...(event.destinationOrgId === undefined
      ? {}
      : {
          sourceList: [{ type: 'owning_party', source: orgUri(event.actorOrgId) }],
          destinationList: [{ type: 'owning_party', destination: orgUri(event.destinationOrgId) }],
        }),
    'traceseal:location': event.location,
    ...(event.reason === undefined ? {} : { 'traceseal:reason': event.reason }),
  };
};

/**
 * Every chain starts at the subject's commissioning: implicit at issuance, so it is
 * derived from the issuance record rather than stored, and it is the same every time.
 */
export const commissioningEvent = (input: {
  ref: SubjectRef;
  issuerOrgId: string;
  issuedAt: string;
  location: string;
}): EpcisEvent => {
  const epc = epcOf(input.ref);
  const eventId = eventIdFromPreHash(
    [
      'eventType=ObjectEvent',
      `eventTime=${new Date(input.issuedAt).toISOString()}`,
      'eventTimeZoneOffset=+00:00',
      'action=ADD',
      `epcList=${epc}`,
      'bizStep=commissioning',
      'disposition=active',
      `reporter=${orgUri(input.issuerOrgId)}`,
    ].join('\n'),
  );
  return {
    type: 'ObjectEvent',
    eventID: eventId,
    eventTime: input.issuedAt,
    eventTimeZoneOffset: '+00:00',
    recordTime: input.issuedAt,
    action: 'ADD',
    epcList: [epc],
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: orgUri(input.issuerOrgId) },
    ...(input.ref.kind === 'unit' ? { 'traceseal:lot': input.ref.lot } : { 'traceseal:containerKind': input.ref.containerKind }),
    'traceseal:location': input.location,
  };
};

/**
 * A whole-lot recall: one event about the lot's class (GS1 Digital Link of GTIN + lot),
 * however many units it holds, with an id derived like every other event's.
 */
export const lotRecallEvent = (input: {
  gtin: string;
  lot: string;
  count: number;
  actorOrgId: string;
  eventTime: string;
  eventTimeZoneOffset: string;
  recordTime: string;
  location: string;
  reason?: string;
}): EpcisEvent => {
  const epcClass = `https://id.gs1.org/01/${input.gtin}/10/${input.lot}`;
  const eventTime = new Date(input.eventTime).toISOString();
  const eventId = eventIdFromPreHash(
    [
      'eventType=ObjectEvent',
      `eventTime=${eventTime}`,
      `eventTimeZoneOffset=${input.eventTimeZoneOffset}`,
      'action=OBSERVE',
      `quantityList.epcClass=${epcClass}`,
      'bizStep=holding',
      'disposition=recalled',
      `reporter=${orgUri(input.actorOrgId)}`,
    ].join('\n'),
  );
  return {
    type: 'ObjectEvent',
    eventID: eventId,
    eventTime,
    eventTimeZoneOffset: input.eventTimeZoneOffset,
    recordTime: input.recordTime,
    action: 'OBSERVE',
    quantityList: [{ epcClass, quantity: input.count }],
    bizStep: 'holding',
    disposition: 'recalled',
    readPoint: { id: orgUri(input.actorOrgId) },
    'traceseal:location': input.location,
    ...(input.reason === undefined ? {} : { 'traceseal:reason': input.reason }),
  };
};

export const epcisDocument = (events: EpcisEvent[], createdAt = new Date()) => ({
  '@context': EPCIS_CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: createdAt.toISOString(),
  epcisBody: { eventList: events },
});
