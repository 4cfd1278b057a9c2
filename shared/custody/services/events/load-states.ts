/**
 * The current states an event is judged on. A unit nobody has reported on has no state
 * item: it is where it was commissioned, at its factory, with the commissioning event as
 * the head of its chain.
 */

import type { Batch } from '#issuance/contract';
import { getOrganizationCached } from '#registry';
import { hashRecordedEvent } from '../../domain/chain';
import { type CommissioningInput, commissioningEvent, type EpcisEvent } from '../../domain/epcis';
import { type SubjectRef, type SubjectState, subjectIdOf } from '../../domain/types';
import { getStates, type StoredState } from '../../store/subject-state-repository';
import type { ResolvedSubject } from './resolve-codes';

/** What a unit's implicit commissioning at issuance is derived from. */
export const unitCommissioning = async (ref: SubjectRef & { kind: 'unit' }, batch: Batch): Promise<CommissioningInput> => {
  const factory = await getOrganizationCached(batch.ownerOrgId);
  return { ref, issuerOrgId: batch.ownerOrgId, issuedAt: batch.createdAt, location: factory?.region ?? 'unknown' };
};

/** The implicit event that starts a unit's chain: its commissioning at issuance. */
export const unitGenesis = async (ref: SubjectRef & { kind: 'unit' }, batch: Batch): Promise<EpcisEvent> =>
  commissioningEvent(await unitCommissioning(ref, batch));

const implicitUnitState = async (ref: SubjectRef & { kind: 'unit' }, batch: Batch): Promise<SubjectState> => {
  const genesis = await unitGenesis(ref, batch);
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

/** Stored states (read consistently), with the implicit state for units nobody reported on. */
export const loadStates = async (subjects: readonly ResolvedSubject[]): Promise<Map<string, StoredState>> => {
  const stored = await getStates(subjects.map((s) => subjectIdOf(s.ref)));
  for (const { ref, batch } of subjects) {
    const id = subjectIdOf(ref);
    if (!stored.has(id) && ref.kind === 'unit' && batch !== undefined) {
      stored.set(id, { state: await implicitUnitState(ref, batch), revision: 0 });
    }
  }
  return stored;
};
