/**
 * Recording one prepared event: judge it on the current states (the pure rules), chain it
 * onto each subject's history, and write the event and every change in one conditional
 * transaction, so it is recorded whole or not at all and a race has one winner.
 */

import { BadRequestError, ConflictError } from '#kernel/errors';
import type { Organization } from '#registry/contract';
import { hashRecordedEvent, recordedEventJson } from '../../domain/chain';
import { containersAbove } from '../../domain/container-tree';
import { EVENT_ID_ALGORITHM, type RecordedEvent, toEpcisEvent } from '../../domain/epcis';
import type { EventAudience } from '../../domain/event-audience';
import { legacyEventIdOf } from '../../domain/legacy-event-ids';
import { applyEvent } from '../../domain/rules';
import { withEventSummaries } from '../../domain/summary';
import type { Transition } from '../../domain/types';
import { EPCIS_SHAPES } from '../../domain/vocabulary';
import { commitEvent, getRecordedEvent, transactionItemCount } from '../../store/custody-repository';
import { getState, type StoredState } from '../../store/subject-state-repository';
import { indexCommittedEvent, resolveAudience } from './event-audience';
import { loadStates } from './load-states';
import { requireRegulatorMayRecall } from './recall-places';
import type { PreparedEvent } from './resolve-codes';
import type { EventResult } from './results';
import { LOST_RACE, retryOnConflict } from './retry-on-conflict';

/** What one DynamoDB transaction holds. */
const MAX_TRANSACTION_ITEMS = 100;

/** A copy of this very event may have been recorded since we last looked (a client retry in flight). */
const isRecorded = async (eventId: string): Promise<boolean> => (await getRecordedEvent(eventId)) !== undefined;

/**
 * The id under which a copy of this event is recorded, if one is. A copy sent before event
 * ids became the CBV 2.0 hash was recorded under its legacy id; it is looked up only once
 * the rules refused this one (every step refuses its own repetition), so it costs nothing
 * on the way to a new record.
 */
const recordedCopyOf = async (event: PreparedEvent['event']): Promise<string | undefined> => {
  if (await isRecorded(event.eventId)) return event.eventId;
  const { eventId: _current, ...rest } = event;
  const legacyId = legacyEventIdOf(rest);
  return (await isRecorded(legacyId)) ? legacyId : undefined;
};

/** Where recalled units sit in containers, the containers up the tree must stop moving too. */
const flagAncestors = async (transitions: readonly Transition[], states: Map<string, StoredState>): Promise<Transition[]> => {
  const visited = new Set(transitions.map((t) => t.subjectId));
  const read = async (id: string) => {
    const stored = states.get(id) ?? (await getState(id));
    if (stored !== undefined) states.set(id, stored);
    return stored?.state;
  };
  const flags: Transition[] = [];
  for (const transition of transitions) {
    for (const { state } of await containersAbove(transition.after, read, visited)) {
      flags.push({ subjectId: state.subjectId, before: state, after: { ...state, containsRecalled: true }, chained: false });
    }
  }
  return flags;
};

/** Each chained subject's head moves to this event. */
const chainOnto = (transitions: readonly Transition[], eventHash: string, eventTime: string): void => {
  for (const transition of transitions) {
    if (!transition.chained) continue;
    transition.after.version = transition.before.version + 1;
    transition.after.headHash = eventHash;
    transition.after.lastEventTime = eventTime;
  }
};

/**
 * A retry of an event already recorded is answered as such, whatever has happened since;
 * it also finishes the facet rows the first call may have died before writing.
 */
const finishedEarlier = async (eventId: string): Promise<boolean> => {
  const existing = await getRecordedEvent(eventId);
  if (existing === undefined) return false;
  if (existing.indexRowsPending && existing.audience !== undefined && existing.recordTime !== undefined) {
    await indexCommittedEvent({ eventId, recordTime: existing.recordTime, source: 'event', audience: existing.audience });
  }
  return true;
};

/**
 * The rules' verdict on the states as loaded: the changes to write (with the containers a
 * recall stops), or the id of a copy of this event already recorded.
 */
const judge = async (
  prepared: PreparedEvent,
  actor: Organization,
  stored: Map<string, StoredState>,
  recordTime: string,
): Promise<Transition[] | { copyId: string }> => {
  const { event, subjects, gtinOwners, recalledLots } = prepared;
  // Before the rules: a regulator outside the jurisdiction learns nothing more of the unit.
  if (event.bizStep === 'recall' && actor.role === 'regulator') await requireRegulatorMayRecall(actor, subjects, stored);
  const states = new Map([...stored].map(([id, s]) => [id, s.state]));
  let transitions: Transition[];
  try {
    transitions = applyEvent({ event, states, recalledLots, gtinOwners, actorRole: actor.role, recordTime });
  } catch (error) {
    // The state we judged may be the one a concurrent (or earlier) copy of this event
    // made: the client is told its event is recorded, not that it broke a rule.
    const copyId = error instanceof ConflictError ? await recordedCopyOf(event) : undefined;
    if (copyId !== undefined) return { copyId };
    throw error;
  }
  if (event.bizStep === 'recall') transitions = [...transitions, ...(await flagAncestors(transitions, stored))];
  if (transactionItemCount(transitions) > MAX_TRANSACTION_ITEMS) {
    throw new BadRequestError(
      'EVENT_TOO_LARGE',
      `This event would change ${transitions.length} codes and containers, more than one transaction holds; split it`,
    );
  }
  return transitions;
};

/** The event chained onto its subjects and written with every change, conditional on the revisions read. */
const commitJudged = async (
  event: PreparedEvent['event'],
  transitions: Transition[],
  stored: Map<string, StoredState>,
  recordTime: string,
  audience: EventAudience,
): Promise<EventResult | typeof LOST_RACE> => {
  const recorded: RecordedEvent = { ...event, recordTime };
  const epcis = toEpcisEvent(recorded);
  const eventHash = hashRecordedEvent(epcis);
  chainOnto(transitions, eventHash, event.eventTime);
  withEventSummaries(event, transitions);
  const outcome = await commitEvent({
    event: recorded,
    epcisJson: recordedEventJson(epcis),
    eventHash,
    idAlgorithm: EVENT_ID_ALGORITHM,
    transitions,
    revisions: new Map([...stored].map(([id, s]) => [id, s.revision])),
    audience,
  });
  if (outcome === 'recorded') {
    await indexCommittedEvent({ eventId: event.eventId, recordTime, source: 'event', audience });
    return { index: 0, status: 'recorded', eventId: event.eventId };
  }
  if (outcome === 'duplicate' || (await isRecorded(event.eventId)))
    return { index: 0, status: 'duplicate', eventId: event.eventId };
  return LOST_RACE;
};

export const recordPrepared = async (prepared: PreparedEvent, actor: Organization, now: Date): Promise<EventResult> => {
  const { event, subjects, gtinOwners } = prepared;
  const duplicate: EventResult = { index: 0, status: 'duplicate', eventId: event.eventId };
  if (await finishedEarlier(event.eventId)) return duplicate;
  const recordTime = now.toISOString();
  const audience = await resolveAudience({
    reporterOrgId: actor.id,
    ...(event.destinationOrgId === undefined ? {} : { destinationOrgId: event.destinationOrgId }),
    bizStep: EPCIS_SHAPES[event.bizStep].bizStep,
    products: subjects.flatMap(({ ref }) => (ref.kind === 'unit' ? [{ gtin: ref.gtin, lot: ref.lot }] : [])),
    gtinOwners,
  });
  return retryOnConflict('this event', async () => {
    const stored = await loadStates(subjects);
    const verdict = await judge(prepared, actor, stored, recordTime);
    if ('copyId' in verdict) return { ...duplicate, eventId: verdict.copyId };
    return commitJudged(event, verdict, stored, recordTime, audience);
  });
};
