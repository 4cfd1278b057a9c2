/**
 * Event ids as TraceSeal computed them before it adopted the CBV 2.0 event hash: a
 * pre-hash of our own (other separators, bare CBV names, a `reporter=` line). Records made
 * then keep their ids and their chains; these functions only recognise them: a client's
 * retry, sent again after the change, of an event recorded before it, and the derived
 * commissioning event that existing chains start from.
 */
import { hashIdOfPreHash } from './event-hash';
import { epcOf, orgUri } from './identifiers';
import type { CustodyEvent, SubjectRef } from './types';
import { EPCIS_SHAPES } from './vocabulary';

export const legacyEventIdOf = (event: Omit<CustodyEvent, 'eventId'>): string => {
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
  return hashIdOfPreHash(parts.join('\n'));
};

export const legacyLotRecallEventId = (input: {
  gtin: string;
  lot: string;
  actorOrgId: string;
  eventTime: string;
  eventTimeZoneOffset: string;
}): string =>
  hashIdOfPreHash(
    [
      'eventType=ObjectEvent',
      `eventTime=${new Date(input.eventTime).toISOString()}`,
      `eventTimeZoneOffset=${input.eventTimeZoneOffset}`,
      'action=OBSERVE',
      `quantityList.epcClass=https://id.gs1.org/01/${input.gtin}/10/${input.lot}`,
      'bizStep=holding',
      'disposition=recalled',
      `reporter=${orgUri(input.actorOrgId)}`,
    ].join('\n'),
  );

/** The commissioning event exactly as chains started before the change derived it. */
export const legacyCommissioningEvent = (input: {
  ref: SubjectRef;
  issuerOrgId: string;
  issuedAt: string;
  location: string;
}): Record<string, unknown> => {
  const epc = epcOf(input.ref);
  const eventId = hashIdOfPreHash(
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
