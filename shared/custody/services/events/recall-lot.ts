/**
 * A whole-lot recall costs the same whatever the lot's size: one event about the lot's
 * class, the batch's flag, a flag on each container holding packed units of the lot, and
 * last a mark that the container pass is complete. Loose units read the batch flag.
 */

import { type Batch, getBatchWithRecall, markRecallContainersFlagged, recallLot } from '#issuance';
import { BadRequestError, ConflictError } from '#kernel/errors';
import { getOrganizationCached, type Organization } from '#registry';
import { hashRecordedEvent, recordedEventJson } from '../../domain/chain';
import { containersAbove } from '../../domain/container-tree';
import { EVENT_ID_ALGORITHM, lotRecallEvent } from '../../domain/epcis';
import { type EventInput, requireAfterIssuance } from '../../domain/event-shape';
import { legacyLotRecallEventId } from '../../domain/legacy-event-ids';
import { requireRecallJurisdiction } from '../../domain/recall-jurisdiction';
import { putStandaloneEvent } from '../../store/custody-repository';
import { flagContainerRecalled, getState, listPackedUnitsOfLot } from '../../store/subject-state-repository';
import { indexCommittedEvent, resolveAudience } from './event-audience';
import type { EventResult } from './results';

/** Stops every container holding packed units of a recalled lot, then marks the recall complete. */
const flagLotContainers = async (batch: Batch, now: Date): Promise<void> => {
  const containers = new Set<string>();
  const read = async (id: string) => (await getState(id))?.state;
  const toFlag: string[] = [];
  for (const unit of await listPackedUnitsOfLot(batch.gtin, batch.lot)) {
    for (const { state } of await containersAbove(unit, read, containers)) toFlag.push(state.subjectId);
  }
  for (const id of toFlag) await flagContainerRecalled(id);
  await markRecallContainersFlagged(batch.gtin, batch.lot, now.toISOString());
};

/** The GTIN's owner may recall its lot anywhere; a regulator only from the province it was made in (or the country). */
const requireMayRecallLot = async (batch: Batch, actor: Organization): Promise<void> => {
  if (actor.role === 'regulator') {
    // A whole lot is recalled wherever its units are, so it is the decision of the factory's
    // province (or the country); where only some units are held, those are recalled by listing them.
    requireRecallJurisdiction(
      actor.region,
      `Lot ${batch.lot} of GTIN ${batch.gtin}`,
      { madeIn: (await getOrganizationCached(batch.ownerOrgId))?.region },
      ' Units of it held in your province can be recalled by listing them (epcs).',
    );
  } else if (batch.ownerOrgId !== actor.id) {
    throw new ConflictError('RECALL_NOT_ALLOWED', 'Only the GTIN owner or a regulator can recall');
  }
};

/** The recall event itself, stored and indexed (idempotent by its id). */
const recordRecallEvent = async (
  epcis: Record<string, unknown>,
  batch: Batch,
  actor: Organization,
  recordTime: string,
): Promise<void> => {
  const eventId = String(epcis.eventID);
  const audience = await resolveAudience({
    reporterOrgId: actor.id,
    bizStep: String(epcis.bizStep),
    products: [{ gtin: batch.gtin, lot: batch.lot }],
    gtinOwners: new Map([[batch.gtin, batch.ownerOrgId]]),
  });
  await putStandaloneEvent({
    eventId,
    bizStep: 'recall',
    actorOrgId: actor.id,
    epcisJson: recordedEventJson(epcis),
    eventHash: hashRecordedEvent(epcis),
    idAlgorithm: EVENT_ID_ALGORITHM,
    recordTime,
    audience,
  });
  await indexCommittedEvent({ eventId, recordTime, source: 'event', audience });
};

/** A lot already recalled: this very recall sent again is a duplicate, any other a conflict. */
const repeatedRecall = (
  recalledBy: string | undefined,
  eventId: string,
  input: EventInput,
  batch: Batch,
  actor: Organization,
): EventResult => {
  if (recalledBy === eventId) return { index: 0, status: 'duplicate', eventId };
  // The same recall, sent before event ids became the CBV 2.0 hash, was recorded under its legacy id.
  const legacyId = legacyLotRecallEventId({
    gtin: batch.gtin,
    lot: batch.lot,
    actorOrgId: actor.id,
    eventTime: input.eventTime,
    eventTimeZoneOffset: input.eventTimeZoneOffset,
  });
  if (recalledBy === legacyId) return { index: 0, status: 'duplicate', eventId: legacyId };
  throw new ConflictError('ALREADY_RECALLED', `Lot ${batch.lot} is already recalled`);
};

export const recallWholeLot = async (
  input: EventInput,
  lot: { gtin: string; lot: string },
  actor: Organization,
  now: Date,
): Promise<EventResult> => {
  const found = await getBatchWithRecall(lot.gtin, lot.lot);
  if (found === undefined) throw new BadRequestError('UNKNOWN_LOT', `Lot ${lot.lot} of GTIN ${lot.gtin} was never issued`);
  const { batch } = found;
  await requireMayRecallLot(batch, actor);
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
    await recordRecallEvent(epcis, batch, actor, now.toISOString());
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
  return repeatedRecall(recall.eventId, eventId, input, batch, actor);
};
