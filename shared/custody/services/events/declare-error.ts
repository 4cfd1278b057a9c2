/**
 * A mistaken event is never deleted. Its reporter, and only its reporter, declares it in
 * error: the declaration joins the chain of every subject of the event, their states
 * return to what they were before it, and corrective events follow. Only the latest event
 * of each subject can be declared, since later events were decided on the state it made.
 * A recall is never declared in error: it is irreversible, whoever asks.
 */

import { BadRequestError, ConflictError } from '#kernel/errors';
import type { Organization } from '#registry/contract';
import { hashRecordedEvent, recordedEventJson } from '../../domain/chain';
import type { EventInput } from '../../domain/event-shape';
import { restoredState } from '../../domain/rules';
import type { Transition } from '../../domain/types';
import { getChainLink } from '../../store/chain-repository';
import { commitDeclaration, getRecordedEvent, type StoredEvent } from '../../store/custody-repository';
import { getStates, type StoredState } from '../../store/subject-state-repository';
import { audienceOfStoredEvent, indexCommittedEvent } from './event-audience';
import { recordPrepared } from './record-events';
import { type PreparedEvent, prepareEvent } from './resolve-codes';
import { type EventResult, rejection } from './results';
import { LOST_RACE, retryOnConflict } from './retry-on-conflict';

export interface DeclarationInput {
  errorDeclaration: {
    eventId: string;
    reason: 'did_not_occur' | 'incorrect_data';
    /** Recorded right after the declaration; their ids are listed in it. */
    correctiveEvents?: EventInput[];
  };
}

const requireDeclarable = (recorded: StoredEvent | undefined, eventId: string, actor: Organization): StoredEvent => {
  if (recorded === undefined) throw new BadRequestError('UNKNOWN_EVENT', `No event ${eventId} is recorded`);
  // Regulators included: correcting another organization's record would be an audited
  // action of its own, not an error declaration.
  if (recorded.actorOrgId !== actor.id) {
    throw new ConflictError('NOT_EVENT_REPORTER', 'Only the organization that reported an event can declare it in error');
  }
  if (recorded.bizStep === 'recall') {
    throw new ConflictError('RECALL_IRREVERSIBLE', 'A recall is irreversible and cannot be declared in error');
  }
  return recorded;
};

/** The declared event as recorded, with its errorDeclaration: what joins each subject's chain. */
const declarationOf = (
  recorded: StoredEvent,
  input: DeclarationInput['errorDeclaration'],
  correctiveIds: string[],
  now: Date,
): Record<string, unknown> => ({
  ...(JSON.parse(recorded.epcis) as Record<string, unknown>),
  errorDeclaration: {
    declarationTime: now.toISOString(),
    reason: input.reason,
    ...(correctiveIds.length === 0 ? {} : { correctiveEventIDs: correctiveIds }),
  },
});

type SubjectLink = {
  id: string;
  current: StoredState | undefined;
  link: Awaited<ReturnType<typeof getChainLink>>;
};

/** Each subject back to its state before the event, its chain moved onto the declaration; refused unless the event is still its latest. */
const restorations = (links: readonly SubjectLink[], eventId: string, declarationHash: string): Transition[] =>
  links.map(({ id, current, link }) => {
    if (current === undefined || link === undefined) throw new ConflictError('EVENT_SUPERSEDED', `No state for ${id}`);
    if (link.eventId === eventId && link.kind === 'declaration') {
      throw new ConflictError('ALREADY_DECLARED', 'This event is already declared in error');
    }
    if (link.eventId !== eventId || link.stateBefore === undefined) {
      throw new ConflictError('EVENT_SUPERSEDED', `A later event on ${id} depends on this one; declare that one first`, {
        subject: id,
      });
    }
    return {
      subjectId: id,
      before: current.state,
      after: {
        ...restoredState(current.state, link.stateBefore),
        version: current.state.version + 1,
        headHash: declarationHash,
        lastEventTime: current.state.lastEventTime,
      },
      chained: true,
    };
  });

/** One attempt: every subject's latest link must still be the declared event. */
const commitOnce = async (
  recorded: StoredEvent,
  input: DeclarationInput['errorDeclaration'],
  correctiveIds: string[],
  actor: Organization,
  now: Date,
): Promise<'recorded' | typeof LOST_RACE> => {
  const { eventId } = input;
  const stored = await getStates(recorded.subjectIds);
  const links = await Promise.all(
    recorded.subjectIds.map(async (id) => {
      const current = stored.get(id);
      return { id, current, link: current === undefined ? undefined : await getChainLink(id, current.state.version) };
    }),
  );
  const declaration = declarationOf(recorded, input, correctiveIds, now);
  const declarationHash = hashRecordedEvent(declaration);
  const audience = recorded.audience ?? (await audienceOfStoredEvent(recorded));
  const transitions = restorations(links, eventId, declarationHash);
  const outcome = await commitDeclaration({
    eventId,
    declarationJson: recordedEventJson(declaration),
    declarationHash,
    actorOrgId: actor.id,
    transitions,
    revisions: new Map([...stored].map(([id, s]) => [id, s.revision])),
    recordTime: now.toISOString(),
    audience,
  });
  if (outcome === 'recorded') {
    await indexCommittedEvent({ eventId, recordTime: now.toISOString(), source: 'declaration', audience });
  }
  if (outcome === 'duplicate') throw new ConflictError('ALREADY_DECLARED', 'This event is already declared in error');
  return outcome === 'recorded' ? outcome : LOST_RACE;
};

const recordCorrective = async (corrective: PreparedEvent[], actor: Organization, now: Date): Promise<EventResult[]> => {
  const results: EventResult[] = [];
  for (const [index, prepared] of corrective.entries()) {
    try {
      results.push({ ...(await recordPrepared(prepared, actor, now)), index });
    } catch (error) {
      results.push({ ...rejection(error), index });
    }
  }
  return results;
};

export const declareError = async (input: DeclarationInput, actor: Organization, now: Date): Promise<EventResult> => {
  const { eventId, correctiveEvents = [] } = input.errorDeclaration;
  const recorded = requireDeclarable(await getRecordedEvent(eventId), eventId, actor);
  // Corrective events are checked before anything is written, and their ids are known up front.
  const corrective = await Promise.all(correctiveEvents.map((e) => prepareEvent(e, actor, now)));
  const correctiveIds = corrective.map((c) => c.event.eventId);
  await retryOnConflict('this declaration', () => commitOnce(recorded, input.errorDeclaration, correctiveIds, actor, now));
  const results = await recordCorrective(corrective, actor, now);
  return { index: 0, status: 'recorded', eventId, ...(results.length === 0 ? {} : { corrective: results }) };
};
