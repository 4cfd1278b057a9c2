import type { Principal } from '../auth/principal';
import { parseScannedCode } from '../codes/digital-link';
import { hashRecordedEvent } from '../custody/chain';
import { commissioningEvent, lotRecallEvent, type RecordedEvent, toEpcisEvent } from '../custody/epcis';
import { eventIdOf, sha256Hex, stableStringify } from '../custody/identifiers';
import { applyEvent, CLOCK_SKEW_TOLERANCE_MS, restoredState, type Transition } from '../custody/rules';
import { appendSteps, movesSince } from '../custody/summary';
import {
  type BizStep,
  type CustodyEvent,
  type CustodyStep,
  type SubjectRef,
  type SubjectState,
  subjectIdOf,
} from '../custody/types';
import type { Batch, Organization } from '../domain/types';
import { AppError, BadRequestError, ConflictError, ForbiddenError } from '../errors';
import { getBatchWithRecall, markRecallContainersFlagged, recallLot } from '../store/batch-repository';
import {
  commitDeclaration,
  commitEvent,
  flagContainerRecalled,
  getChainLink,
  getRecordedEvent,
  getState,
  getStates,
  listPackedUnitsOfLot,
  putStandaloneEvent,
  type StoredState,
  transactionItemCount,
} from '../store/custody-repository';
import { type BatchReads, checkSignature, getOrganizationCached, getProductCached, lookupUnit } from './code-lookup';
import { requireRegisteredOrg } from './registry-service';

/**
 * Ingesting custody events. A call reports a result per event (see the README): each
 * event is all-or-nothing, events apply in the order given, and a rejected event does not
 * stop the ones after it.
 */
const MAX_TRANSACTION_ITEMS = 100;
const CONFLICT_RETRIES = 3;

export interface EventInput {
  bizStep: BizStep;
  eventTime: string;
  eventTimeZoneOffset: string;
  epcs?: string[];
  parent?: string;
  children?: string[];
  destination?: string;
  reason?: string;
  /** recall only: a whole lot instead of listed units. */
  lot?: { gtin: string; lot: string };
}

export interface EventResult {
  index: number;
  status: 'recorded' | 'duplicate' | 'rejected';
  eventId?: string;
  error?: { status: number; code: string; message: string; details?: unknown };
  /** Error declarations: the results of their corrective events. */
  corrective?: EventResult[];
}

interface ResolvedSubject {
  ref: SubjectRef;
  /** Units: their issuance, for the implicit state and the GTIN owner. */
  batch?: Batch;
  /** When the code was issued: nothing happened to it before. */
  issuedAt: string;
}

/** Every code in an event must be authentic (signature) and issued (record). */
const resolveCode = async (uri: string, batchReads: BatchReads): Promise<ResolvedSubject> => {
  const code = parseScannedCode(uri);
  if (!(await checkSignature(code))) {
    throw new BadRequestError('INVALID_SIGNATURE', `Code ${uri.slice(0, 120)} is not signed by TraceSeal: likely counterfeit`);
  }
  if (code.kind === 'container') {
    const stored = await getState(`00/${code.sscc}`);
    if (stored === undefined) throw new BadRequestError('UNKNOWN_CODE', `Container ${code.sscc} was never issued`);
    return { ref: stored.state.ref, issuedAt: stored.state.commissioned?.at ?? stored.state.lastEventTime };
  }
  const unit = await lookupUnit(code, batchReads);
  if (unit === undefined) throw new BadRequestError('UNKNOWN_CODE', `Unit ${code.gtin}/${code.serial} was never issued`);
  return {
    ref: { kind: 'unit', gtin: code.gtin, lot: code.lot, serial: code.serial },
    batch: unit.batch,
    issuedAt: unit.batch.createdAt,
  };
};

/**
 * Devices' clocks differ a little, never by the lifetime of a label: an event before its
 * code existed is a client bug (or an attempt to backdate), and is refused before any rule.
 */
const requireAfterIssuance = (eventTime: string, issuedAt: string): void => {
  if (Date.parse(eventTime) < Date.parse(issuedAt) - CLOCK_SKEW_TOLERANCE_MS) {
    throw new BadRequestError(
      'EVENT_TIME_BEFORE_ISSUANCE',
      `eventTime may be at most ${CLOCK_SKEW_TOLERANCE_MS / 60_000} minutes before the code was issued (${issuedAt})`,
    );
  }
};

/** A unit nobody has reported on yet is where it was commissioned: at its factory. */
const implicitUnitState = async (ref: SubjectRef & { kind: 'unit' }, batch: Batch): Promise<SubjectState> => {
  const factory = await getOrganizationCached(batch.ownerOrgId);
  const genesis = commissioningEvent({
    ref,
    issuerOrgId: batch.ownerOrgId,
    issuedAt: batch.createdAt,
    location: factory?.region ?? 'unknown',
  });
  return {
    subjectId: subjectIdOf(ref),
    ref,
    status: 'held',
    custodianOrgId: batch.ownerOrgId,
    version: 0,
    headHash: hashRecordedEvent(genesis),
    lastEventTime: batch.createdAt,
  };
};

const validateShape = (input: EventInput, actor: Organization, now: Date): void => {
  if (Date.parse(input.eventTime) > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) {
    throw new BadRequestError(
      'EVENT_TIME_IN_FUTURE',
      `eventTime may be at most ${CLOCK_SKEW_TOLERANCE_MS / 60_000} minutes ahead of the server clock`,
    );
  }
  const aggregation = input.bizStep === 'packing' || input.bizStep === 'unpacking';
  if (aggregation !== (input.parent !== undefined) || aggregation !== (input.children !== undefined)) {
    throw new BadRequestError('EVENT_SHAPE', 'packing and unpacking take parent and children; other steps take epcs');
  }
  if (!aggregation && (input.epcs === undefined) === (input.lot === undefined)) {
    throw new BadRequestError('EVENT_SHAPE', `${input.bizStep} takes epcs${input.bizStep === 'recall' ? ' or a lot' : ''}`);
  }
  if (input.lot !== undefined && input.bizStep !== 'recall') {
    throw new BadRequestError('EVENT_SHAPE', 'Only a recall can name a whole lot');
  }
  if ((input.bizStep === 'shipping') !== (input.destination !== undefined)) {
    throw new BadRequestError(
      'DESTINATION',
      input.bizStep === 'shipping' ? 'shipping needs a destination' : 'only shipping has a destination',
    );
  }
  if (input.destination === actor.id) throw new BadRequestError('DESTINATION', 'You cannot ship to yourself');
  if (input.bizStep === 'recall' && actor.role !== 'factory' && actor.role !== 'regulator') {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only factories and regulators recall');
  }
  if (input.bizStep !== 'recall' && actor.role !== 'factory' && actor.role !== 'distributor') {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only factories and distributors report custody events');
  }
  const codes = [...(input.epcs ?? []), ...(input.children ?? []), ...(input.parent === undefined ? [] : [input.parent])];
  if (new Set(codes).size !== codes.length) {
    throw new BadRequestError('DUPLICATE_CODE_IN_EVENT', 'A code appears more than once in one event');
  }
};

/** Stops every container holding packed units of a recalled lot, then marks the recall complete. */
const flagLotContainers = async (batch: Batch, now: Date): Promise<void> => {
  // Loose units read the batch flag; packed ones are stopped through their containers.
  const containers = new Set<string>();
  for (const unit of await listPackedUnitsOfLot(batch.gtin, batch.lot)) {
    let parentId = unit.parentId;
    for (let depth = 0; parentId !== undefined && depth < 3 && !containers.has(parentId); depth++) {
      containers.add(parentId);
      parentId = (await getState(parentId))?.state.parentId;
    }
  }
  for (const id of containers) await flagContainerRecalled(id);
  await markRecallContainersFlagged(batch.gtin, batch.lot, now.toISOString());
};

const recallWholeLot = async (
  input: EventInput,
  lot: { gtin: string; lot: string },
  actor: Organization,
  now: Date,
): Promise<EventResult> => {
  const found = await getBatchWithRecall(lot.gtin, lot.lot);
  if (found === undefined) throw new BadRequestError('UNKNOWN_LOT', `Lot ${lot.lot} of GTIN ${lot.gtin} was never issued`);
  const { batch } = found;
  if (actor.role !== 'regulator' && batch.ownerOrgId !== actor.id) {
    throw new ConflictError('RECALL_NOT_ALLOWED', 'Only the GTIN owner or a regulator can recall');
  }
  requireAfterIssuance(input.eventTime, batch.createdAt);
  const epcis = lotRecallEvent({
    gtin: batch.gtin,
    lot: batch.lot,
    count: batch.count,
    actorOrgId: actor.id,
    eventTime: input.eventTime,
    eventTimeZoneOffset: input.eventTimeZoneOffset,
    recordTime: now.toISOString(),
    location: actor.region,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  });
  const eventId = String(epcis.eventID);
  let recall = found.recall;
  if (batch.recalledAt === undefined) {
    // The record first (idempotent by its id), then the flag, then the containers: a call
    // that dies part-way is completed by sending the same recall again.
    await putStandaloneEvent({
      eventId,
      bizStep: 'recall',
      actorOrgId: actor.id,
      epcisJson: stableStringify(epcis),
      eventHash: hashRecordedEvent(epcis),
      recordTime: now.toISOString(),
    });
    // The recall date is the server's: a client cannot backdate it.
    if (await recallLot(batch.gtin, batch.lot, now.toISOString(), input.reason ?? 'unspecified', eventId)) {
      await flagLotContainers(batch, now);
      return { index: 0, status: 'recorded', eventId };
    }
    // A copy of this recall (or another one) won the race; it is stopping the containers.
    recall = (await getBatchWithRecall(batch.gtin, batch.lot))?.recall ?? {};
  } else if (recall.containersFlaggedAt === undefined) {
    // Recalled, but the call that did it died before every container was stopped.
    await flagLotContainers(batch, now);
  }
  if (recall.eventId === eventId) return { index: 0, status: 'duplicate', eventId };
  throw new ConflictError('ALREADY_RECALLED', `Lot ${batch.lot} is already recalled`);
};

/** Where recalled units sit in containers, the containers up the tree must stop moving too. */
const flagAncestors = async (transitions: Transition[], states: Map<string, StoredState>): Promise<Transition[]> => {
  const flags: Transition[] = [];
  const seen = new Set(transitions.map((t) => t.subjectId));
  for (const transition of transitions) {
    let parentId = transition.after.parentId;
    while (parentId !== undefined && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = states.get(parentId) ?? (await getState(parentId));
      if (parent === undefined) break;
      states.set(parentId, parent);
      flags.push({
        subjectId: parentId,
        before: parent.state,
        after: { ...parent.state, containsRecalled: true },
        chained: false,
      });
      parentId = parent.state.parentId;
    }
  }
  return flags;
};

interface PreparedEvent {
  event: CustodyEvent;
  subjects: ResolvedSubject[];
  gtinOwners: Map<string, string>;
  recalledLots: Set<string>;
}

/** Validates an event and resolves its codes; writes nothing. */
const prepareEvent = async (input: EventInput, actor: Organization, now: Date): Promise<PreparedEvent> => {
  validateShape(input, actor, now);
  if (input.destination !== undefined) {
    const destination = await getOrganizationCached(input.destination);
    if (destination === undefined || (destination.role !== 'distributor' && destination.role !== 'factory')) {
      throw new BadRequestError('UNKNOWN_DESTINATION', 'The destination must be a registered factory or distributor');
    }
  }
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

/** Current states, with the implicit commissioning state for units nobody reported on. */
const loadStates = async (subjects: ResolvedSubject[]): Promise<Map<string, StoredState>> => {
  const stored = await getStates(subjects.map((s) => subjectIdOf(s.ref)));
  for (const { ref, batch } of subjects) {
    const id = subjectIdOf(ref);
    if (!stored.has(id) && ref.kind === 'unit' && batch !== undefined) {
      stored.set(id, { state: await implicitUnitState(ref, batch), revision: 0 });
    }
  }
  return stored;
};

/** A copy of this very event may have been recorded since we last looked (a client retry in flight). */
const isRecorded = async (eventId: string): Promise<boolean> => (await getRecordedEvent(eventId)) !== undefined;

/**
 * The custody summaries an event writes: the step joins the summary of each of its
 * subjects (not the container being filled or emptied: that is not one of its moves),
 * and a child taken out of a container keeps the container's moves from its time inside.
 */
const withSummaries = (event: CustodyEvent, transitions: Transition[]): void => {
  const parentId = event.parent === undefined ? undefined : subjectIdOf(event.parent);
  const parentBefore = transitions.find((t) => t.subjectId === parentId)?.before;
  const step: CustodyStep = {
    step: event.bizStep,
    by: event.actorOrgId,
    at: event.eventTime,
    ...(parentId === undefined ? {} : { parentId }),
  };
  for (const transition of transitions) {
    if (!transition.chained || transition.subjectId === parentId) continue;
    const inside = event.bizStep === 'unpacking' ? movesSince(parentBefore?.summary, transition.before.packedAt) : [];
    const summary = appendSteps(transition.before.summary, [...inside, step]);
    if (summary !== undefined) transition.after.summary = summary;
  }
};

const recordPrepared = async (prepared: PreparedEvent, actor: Organization, now: Date): Promise<EventResult> => {
  const { event, subjects, gtinOwners, recalledLots } = prepared;
  const duplicate: EventResult = { index: 0, status: 'duplicate', eventId: event.eventId };
  // A retry of an event already recorded is answered as such, whatever has happened since.
  if (await isRecorded(event.eventId)) return duplicate;
  const recordTime = now.toISOString();
  for (let attempt = 0; ; attempt++) {
    const stored = await loadStates(subjects);
    const states = new Map([...stored].map(([id, s]) => [id, s.state]));
    let transitions: Transition[];
    try {
      transitions = applyEvent({ event, states, recalledLots, gtinOwners, actorRole: actor.role, recordTime });
    } catch (error) {
      // The state we judged may be the one a concurrent copy of this event just made:
      // the client is told its event is recorded, not that it broke a rule.
      if (error instanceof ConflictError && (await isRecorded(event.eventId))) return duplicate;
      throw error;
    }
    if (event.bizStep === 'recall') transitions = [...transitions, ...(await flagAncestors(transitions, stored))];

    if (transactionItemCount(transitions) > MAX_TRANSACTION_ITEMS) {
      throw new BadRequestError(
        'EVENT_TOO_LARGE',
        `This event would change ${transitions.length} codes and containers, more than one transaction holds; split it`,
      );
    }
    const recorded: RecordedEvent = { ...event, recordTime };
    const epcis = toEpcisEvent(recorded);
    const eventHash = hashRecordedEvent(epcis);
    for (const transition of transitions) {
      if (!transition.chained) continue;
      transition.after.version = transition.before.version + 1;
      transition.after.headHash = eventHash;
      transition.after.lastEventTime = event.eventTime;
    }
    withSummaries(event, transitions);
    const outcome = await commitEvent({
      event: recorded,
      epcisJson: stableStringify(epcis),
      eventHash,
      transitions,
      revisions: new Map([...stored].map(([id, s]) => [id, s.revision])),
    });
    if (outcome === 'recorded') return { index: 0, status: 'recorded', eventId: event.eventId };
    if (outcome === 'duplicate' || (await isRecorded(event.eventId))) return duplicate;
    // Someone changed a subject between our read and our write: read again, so the
    // loser of a race is told which rule it now breaks.
    if (attempt >= CONFLICT_RETRIES) {
      throw new ConflictError('CONCURRENT_MODIFICATION', 'The codes changed while this event was recorded; retry');
    }
  }
};

const ingestOne = async (input: EventInput, actor: Organization, now: Date): Promise<EventResult> => {
  if (input.lot !== undefined) {
    validateShape(input, actor, now);
    return recallWholeLot(input, input.lot, actor, now);
  }
  return recordPrepared(await prepareEvent(input, actor, now), actor, now);
};

// ---- error declarations ------------------------------------------------------------------

export interface DeclarationInput {
  errorDeclaration: {
    eventId: string;
    reason: 'did_not_occur' | 'incorrect_data';
    /** Recorded right after the declaration; their ids are listed in it. */
    correctiveEvents?: EventInput[];
  };
}

/**
 * A mistaken event is never deleted. Its reporter, and only its reporter, declares it in
 * error: the declaration joins the chain of every subject of the event, their states
 * return to what they were before it, and corrective events follow. Only the latest event
 * of each subject can be declared, since later events were decided on the state it made.
 * A recall is never declared in error: it is irreversible, whoever asks.
 */
const declareError = async (input: DeclarationInput, actor: Organization, now: Date): Promise<EventResult> => {
  const { eventId, reason, correctiveEvents = [] } = input.errorDeclaration;
  const recorded = await getRecordedEvent(eventId);
  if (recorded === undefined) throw new BadRequestError('UNKNOWN_EVENT', `No event ${eventId} is recorded`);
  // Regulators included: correcting another organization's record would be an audited
  // action of its own, not an error declaration.
  if (recorded.actorOrgId !== actor.id) {
    throw new ConflictError('NOT_EVENT_REPORTER', 'Only the organization that reported an event can declare it in error');
  }
  if (recorded.bizStep === 'recall') {
    throw new ConflictError('RECALL_IRREVERSIBLE', 'A recall is irreversible and cannot be declared in error');
  }
  // Corrective events are checked before anything is written, and their ids are known up front.
  const corrective = await Promise.all(correctiveEvents.map((e) => prepareEvent(e, actor, now)));
  for (let attempt = 0; ; attempt++) {
    const stored = await getStates(recorded.subjectIds);
    const transitions = [];
    const links = await Promise.all(
      recorded.subjectIds.map(async (id) => {
        const current = stored.get(id);
        return { id, current, link: current === undefined ? undefined : await getChainLink(id, current.state.version) };
      }),
    );
    const declaration = {
      ...(JSON.parse(recorded.epcis) as Record<string, unknown>),
      errorDeclaration: {
        declarationTime: now.toISOString(),
        reason,
        ...(corrective.length === 0 ? {} : { correctiveEventIDs: corrective.map((c) => c.event.eventId) }),
      },
    };
    const declarationHash = hashRecordedEvent(declaration);
    for (const { id, current, link } of links) {
      if (current === undefined || link === undefined) throw new ConflictError('EVENT_SUPERSEDED', `No state for ${id}`);
      if (link.eventId === eventId && link.kind === 'declaration') {
        throw new ConflictError('ALREADY_DECLARED', 'This event is already declared in error');
      }
      if (link.eventId !== eventId || link.stateBefore === undefined) {
        throw new ConflictError('EVENT_SUPERSEDED', `A later event on ${id} depends on this one; declare that one first`, {
          subject: id,
        });
      }
      transitions.push({
        subjectId: id,
        before: current.state,
        after: {
          ...restoredState(current.state, link.stateBefore),
          version: current.state.version + 1,
          headHash: declarationHash,
          lastEventTime: current.state.lastEventTime,
        },
        chained: true,
      });
    }
    const outcome = await commitDeclaration({
      eventId,
      declarationJson: stableStringify(declaration),
      declarationHash,
      actorOrgId: actor.id,
      transitions,
      revisions: new Map([...stored].map(([id, s]) => [id, s.revision])),
    });
    if (outcome === 'duplicate') throw new ConflictError('ALREADY_DECLARED', 'This event is already declared in error');
    if (outcome === 'recorded') break;
    if (attempt >= CONFLICT_RETRIES) {
      throw new ConflictError('CONCURRENT_MODIFICATION', 'The codes changed while this declaration was recorded; retry');
    }
  }
  const correctiveResults: EventResult[] = [];
  for (const [index, prepared] of corrective.entries()) {
    try {
      correctiveResults.push({ ...(await recordPrepared(prepared, actor, now)), index });
    } catch (error) {
      correctiveResults.push({ ...rejection(error), index });
    }
  }
  return { index: 0, status: 'recorded', eventId, ...(correctiveResults.length === 0 ? {} : { corrective: correctiveResults }) };
};

const rejection = (error: unknown): EventResult => {
  if (!(error instanceof AppError) || !error.expose) throw error;
  return {
    index: 0,
    status: 'rejected',
    error: {
      status: error.statusCode,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
};

/**
 * Events this container recorded (or found recorded), by reporter and exact input, so a
 * copy (in the same call, or in a call that a retrying client or the handler's slicing
 * sends next) answers `duplicate` without reading anything. A recorded event is never
 * unrecorded, so an entry cannot go stale; a copy of a rejected event is judged again,
 * since the state may have moved. Bounded, oldest first out.
 */
const RECENTLY_RECORDED_MAX = 2000;
const recentlyRecorded = new Map<string, string>();

const rememberRecorded = (key: string, eventId: string): void => {
  recentlyRecorded.delete(key);
  recentlyRecorded.set(key, eventId);
  if (recentlyRecorded.size > RECENTLY_RECORDED_MAX) {
    const oldest = recentlyRecorded.keys().next();
    if (oldest.done !== true) recentlyRecorded.delete(oldest.value);
  }
};

export const ingestEvents = async (
  principal: Principal,
  inputs: (EventInput | DeclarationInput)[],
  now = new Date(),
): Promise<EventResult[]> => {
  const actor = await requireRegisteredOrg(principal);
  const results: EventResult[] = [];
  for (const [index, input] of inputs.entries()) {
    const copyKey = 'errorDeclaration' in input ? undefined : sha256Hex(`${actor.id}\n${stableStringify(input)}`);
    const eventId = copyKey === undefined ? undefined : recentlyRecorded.get(copyKey);
    if (eventId !== undefined) {
      results.push({ index, status: 'duplicate', eventId });
      continue;
    }
    try {
      const result = 'errorDeclaration' in input ? await declareError(input, actor, now) : await ingestOne(input, actor, now);
      if (copyKey !== undefined && result.eventId !== undefined) rememberRecorded(copyKey, result.eventId);
      results.push({ ...result, index });
    } catch (error) {
      results.push({ ...rejection(error), index });
    }
  }
  return results;
};
