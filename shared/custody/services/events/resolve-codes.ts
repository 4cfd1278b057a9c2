/**
 * From an event as sent to an event about known codes: every code in it must be authentic
 * (signature, from keys in memory) and issued (a record), and its time after issuance.
 * Writes nothing, so a refused event leaves no trace.
 */

import { type Batch, type BatchReads, checkSignature, findIssuedLot, getProductCached, lookupUnit } from '#issuance';
import { readCodeReference } from '#kernel/codes/digital-link';
import { BadRequestError } from '#kernel/errors';
import { getOrganizationCached, type Organization } from '#registry';
import { eventIdOf } from '../../domain/epcis';
import { type EventInput, requireAfterIssuance, validateShape } from '../../domain/event-shape';
import { type CustodyEvent, type SubjectRef, subjectIdOf } from '../../domain/types';
import { getState } from '../../store/subject-state-repository';

export interface ResolvedSubject {
  ref: SubjectRef;
  /** Units: their issuance, for the implicit state and the GTIN owner. */
  batch?: Batch;
  /** When the code was issued: nothing happened to it before. */
  issuedAt: string;
}

/**
 * The lot of a unit named without one: from its custody state when it ever moved (every
 * unit inventory or an EPCIS answer lists), else from the product's lot ranges.
 */
const lotOfUnit = async (gtin: string, serial: string): Promise<string | undefined> => {
  const stored = await getState(subjectIdOf({ kind: 'unit', gtin, serial }));
  if (stored?.state.ref.kind === 'unit') return stored.state.ref.lot;
  return findIssuedLot(gtin, serial);
};

/**
 * Any form of a code we hand out (see readCodeReference). A signature that is present must
 * verify: a forged label is refused whatever else it names. Every code, signed or not,
 * must be one we issued; what an event may then do with it is the custody rules' question,
 * which look only at who holds it, never at how it was named.
 */
export const resolveCode = async (text: string, batchReads: BatchReads): Promise<ResolvedSubject> => {
  const code = readCodeReference(text);
  if (code.digsig !== undefined && !(await checkSignature(code))) {
    throw new BadRequestError('INVALID_SIGNATURE', `Code ${text.slice(0, 120)} is not signed by TraceSeal: likely counterfeit`);
  }
  if (code.kind === 'container') {
    const stored = await getState(subjectIdOf({ kind: 'container', sscc: code.sscc }));
    if (stored === undefined) throw new BadRequestError('UNKNOWN_CODE', `Container ${code.sscc} was never issued`);
    return { ref: stored.state.ref, issuedAt: stored.state.commissioned?.at ?? stored.state.lastEventTime };
  }
  const lot = code.lot ?? (await lotOfUnit(code.gtin, code.serial));
  const unit = lot === undefined ? undefined : await lookupUnit({ gtin: code.gtin, lot, serial: code.serial }, batchReads);
  if (unit === undefined || lot === undefined) {
    throw new BadRequestError('UNKNOWN_CODE', `Unit ${code.gtin}/${code.serial} was never issued`);
  }
  return {
    ref: { kind: 'unit', gtin: code.gtin, lot, serial: code.serial },
    batch: unit.batch,
    issuedAt: unit.batch.createdAt,
  };
};

export interface PreparedEvent {
  event: CustodyEvent;
  subjects: ResolvedSubject[];
  /** GTIN owner (factory) of each unit's product. */
  gtinOwners: Map<string, string>;
  /** "gtin#lot" of each recalled lot among the units. */
  recalledLots: Set<string>;
}

const requireKnownDestination = async (destinationId: string | undefined): Promise<void> => {
  if (destinationId === undefined) return;
  const destination = await getOrganizationCached(destinationId);
  if (destination === undefined || (destination.role !== 'distributor' && destination.role !== 'factory')) {
    throw new BadRequestError('UNKNOWN_DESTINATION', 'The destination must be a registered factory or distributor');
  }
};

/** Validates an event and resolves its codes; writes nothing. Its id is known from here on. */
export const prepareEvent = async (input: EventInput, actor: Organization, now: Date): Promise<PreparedEvent> => {
  validateShape(input, actor, now);
  await requireKnownDestination(input.destination);
  const batchReads: BatchReads = new Map();
  const children = await Promise.all((input.epcs ?? input.children ?? []).map((uri) => resolveCode(uri, batchReads)));
  const parent = input.parent === undefined ? undefined : await resolveCode(input.parent, batchReads);
  const base: Omit<CustodyEvent, 'eventId'> = {
    bizStep: input.bizStep,
    eventTime: new Date(input.eventTime).toISOString(),
    eventTimeZoneOffset: input.eventTimeZoneOffset,
    subjects: children.map((s) => s.ref),
    ...(parent === undefined ? {} : { parent: parent.ref }),
    actorOrgId: actor.id,
    ...(input.destination === undefined ? {} : { destinationOrgId: input.destination }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    location: actor.region,
  };
  const subjects = [...children, ...(parent === undefined ? [] : [parent])];
  for (const subject of subjects) requireAfterIssuance(input.eventTime, subject.issuedAt);
  const gtinOwners = new Map<string, string>();
  const recalledLots = new Set<string>();
  for (const { ref, batch } of subjects) {
    if (ref.kind !== 'unit' || batch === undefined) continue;
    gtinOwners.set(ref.gtin, (await getProductCached(ref.gtin))?.product.ownerOrgId ?? batch.ownerOrgId);
    if (batch.recalledAt !== undefined) recalledLots.add(`${ref.gtin}#${ref.lot}`);
  }
  return { event: { ...base, eventId: eventIdOf(base) }, subjects, gtinOwners, recalledLots };
};
