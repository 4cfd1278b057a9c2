/**
 * Ingesting custody events (`POST /v1/events`, and event jobs). A call reports a result
 * per event (see docs/custody.md): each event is all-or-nothing, events apply in the order
 * given, and a rejected event does not stop the ones after it. Each input goes to its use
 * case: a whole-lot recall, an error declaration, or any other event.
 */

import type { Principal } from '#kernel/auth/principal';
import { canonicalJson, hasLoneSurrogate } from '#kernel/canonical-json';
import { type Organization, requireRegisteredOrg } from '#registry';
import { type EventInput, validateShape } from '../../domain/event-shape';
import { sha256Hex } from '../../domain/identifiers';
import { type DeclarationInput, declareError } from './declare-error';
import { recallWholeLot } from './recall-lot';
import { recordPrepared } from './record-events';
import { prepareEvent } from './resolve-codes';
import { type EventResult, rejection } from './results';

export type { EventInput } from '../../domain/event-shape';
export type { DeclarationInput } from './declare-error';
export type { EventResult } from './results';

const ingestOne = async (input: EventInput, actor: Organization, now: Date): Promise<EventResult> => {
  if (input.lot !== undefined) {
    validateShape(input, actor, now);
    return recallWholeLot(input, input.lot, actor, now);
  }
  return recordPrepared(await prepareEvent(input, actor, now), actor, now);
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
    // Ill-formed text has no canonical form; the event's own checks refuse it below.
    const copyKey =
      'errorDeclaration' in input || hasLoneSurrogate(input) ? undefined : sha256Hex(`${actor.id}\n${canonicalJson(input)}`);
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
