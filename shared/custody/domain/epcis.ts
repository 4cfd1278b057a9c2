import { hashRecordedEvent } from './chain';
import { eventHashId } from './event-hash';
import { epcOf, orgUri } from './identifiers';
import { legacyCommissioningEvent } from './legacy-event-ids';
import type { CustodyEvent, SubjectRef } from './types';
import { EPCIS_SHAPES, RECALL_SHAPE, TRACESEAL_VOCABULARY } from './vocabulary';

/**
 * Recorded events as EPCIS 2.0 JSON-LD: what the chain API returns, what exports carry,
 * and what hashes are taken over. Every prefix our fields use is declared here, since the
 * CBV 2.0 event hash expands a CURIE only by the document's own context: the vocabulary
 * IRIs are part of every event id, so they must never change.
 */
export const EPCIS_CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { traceseal: TRACESEAL_VOCABULARY, cbvmda: 'urn:epcglobal:cbv:mda:' },
] as const;

/** How the id of every event recorded from now on is computed; stored with the event. */
export const EVENT_ID_ALGORITHM = 'cbv2.0';

export interface RecordedEvent extends CustodyEvent {
  recordTime: string;
}

export type EpcisEvent = Record<string, unknown>;

/** The CBV 2.0 event hash of an event as we publish it (eventID and recordTime are not part of it). */
const hashIdOf = (body: EpcisEvent): string => eventHashId(body, { context: EPCIS_CONTEXT });

/** A published event: its id and record time after its type, the fields the id is the hash of after them. */
const published = (body: EpcisEvent, eventID: string, recordTime: string): EpcisEvent => {
  const { type, eventTime, eventTimeZoneOffset, ...rest } = body;
  return { type, eventID, eventTime, eventTimeZoneOffset, recordTime, ...rest };
};

/**
 * Everything of a custody event its id is the hash of. The reporter is an extension field,
 * so two organizations' identical observations are two events with two ids.
 */
export const epcisBodyOf = (event: Omit<CustodyEvent, 'eventId'>): EpcisEvent => {
  const shape = EPCIS_SHAPES[event.bizStep];
  const subjects = event.subjects.map(epcOf);
  return {
    type: shape.type,
    eventTime: new Date(event.eventTime).toISOString(),
    eventTimeZoneOffset: event.eventTimeZoneOffset,
    action: shape.action,
    ...(shape.type === 'AggregationEvent'
      ? { ...(event.parent === undefined ? {} : { parentID: epcOf(event.parent) }), childEPCs: subjects }
      : { epcList: subjects }),
    bizStep: shape.bizStep,
    disposition: shape.disposition,
    ...(shape.persistentDisposition === undefined ? {} : { persistentDisposition: shape.persistentDisposition }),
    readPoint: { id: orgUri(event.actorOrgId) },
    ...(event.destinationOrgId === undefined
      ? {}
      : {
          sourceList: [{ type: 'owning_party', source: orgUri(event.actorOrgId) }],
          destinationList: [{ type: 'owning_party', destination: orgUri(event.destinationOrgId) }],
        }),
    'traceseal:reporter': orgUri(event.actorOrgId),
    'traceseal:location': event.location,
    ...(event.reason === undefined ? {} : { 'traceseal:reason': event.reason }),
  };
};

/** A custody event's id: GS1's CBV 2.0 event hash of the event as we publish it. */
export const eventIdOf = (event: Omit<CustodyEvent, 'eventId'>): string => hashIdOf(epcisBodyOf(event));

export const toEpcisEvent = (event: RecordedEvent): EpcisEvent => published(epcisBodyOf(event), event.eventId, event.recordTime);

export interface CommissioningInput {
  ref: SubjectRef;
  issuerOrgId: string;
  issuedAt: string;
  location: string;
}

/**
 * Every chain starts at the subject's commissioning: implicit at issuance, so it is
 * derived from the issuance record rather than stored, and it is the same every time. A
 * unit's lot is its instance/lot master data (CBV `lotNumber`, in ILMD).
 */
export const commissioningEvent = (input: CommissioningInput): EpcisEvent => {
  const body: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: new Date(input.issuedAt).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    epcList: [epcOf(input.ref)],
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: orgUri(input.issuerOrgId) },
    ...(input.ref.kind === 'unit'
      ? { ilmd: { 'cbvmda:lotNumber': input.ref.lot } }
      : { 'traceseal:containerKind': input.ref.containerKind }),
    'traceseal:reporter': orgUri(input.issuerOrgId),
    'traceseal:location': input.location,
  };
  return published(body, hashIdOf(body), body.eventTime as string);
};

/**
 * The commissioning event a subject's chain starts from. Chains begun before event ids
 * became the CBV 2.0 hash start from the commissioning event as it was derived then: the
 * first link (or, with none, a container's stored head) names the hash of its start.
 */
export const genesisOf = (input: CommissioningInput, firstHash: string | undefined): EpcisEvent => {
  const current = commissioningEvent(input);
  if (firstHash === undefined || firstHash === hashRecordedEvent(current)) return current;
  const legacy = legacyCommissioningEvent(input);
  return firstHash === hashRecordedEvent(legacy) ? legacy : current;
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
  const body: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: new Date(input.eventTime).toISOString(),
    eventTimeZoneOffset: input.eventTimeZoneOffset,
    action: 'OBSERVE',
    quantityList: [{ epcClass: `https://id.gs1.org/01/${input.gtin}/10/${input.lot}`, quantity: input.count }],
    bizStep: RECALL_SHAPE.bizStep,
    disposition: RECALL_SHAPE.disposition,
    persistentDisposition: RECALL_SHAPE.persistentDisposition,
    readPoint: { id: orgUri(input.actorOrgId) },
    'traceseal:reporter': orgUri(input.actorOrgId),
    'traceseal:location': input.location,
    ...(input.reason === undefined ? {} : { 'traceseal:reason': input.reason }),
  };
  return published(body, hashIdOf(body), input.recordTime);
};

export const epcisDocument = (events: EpcisEvent[], createdAt = new Date()) => ({
  '@context': EPCIS_CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: createdAt.toISOString(),
  epcisBody: { eventList: events },
});
