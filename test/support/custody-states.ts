/**
 * Builders for the pure custody tests: subjects, states and events with plain defaults,
 * so each test states only what its behaviour depends on. No database, no mocks.
 */

import { AppError } from '#kernel/errors';
import type { RuleInput } from '#shared/custody/domain/rules';
import { type CustodyEvent, type SubjectRef, type SubjectState, subjectIdOf } from '#shared/custody/domain/types';

export const GTIN = '06952012345676';

export const unit = (serial: string): SubjectRef => ({ kind: 'unit', gtin: GTIN, lot: 'L1', serial });
export const pallet: SubjectRef = { kind: 'container', sscc: '306141410000000006', containerKind: 'pallet' };
export const caseRef: SubjectRef = { kind: 'container', sscc: '106141410000000008', containerKind: 'case' };

export const held = (ref: SubjectRef, custodian: string, patch: Partial<SubjectState> = {}): SubjectState => ({
  subjectId: subjectIdOf(ref),
  ref,
  status: 'held',
  custodianOrgId: custodian,
  version: 0,
  headHash: 'genesis',
  lastEventTime: '2026-01-01T00:00:00.000Z',
  ...(ref.kind === 'container' ? { childCount: 0 } : {}),
  ...patch,
});

export const event = (patch: Partial<CustodyEvent> & Pick<CustodyEvent, 'bizStep' | 'subjects'>): CustodyEvent => ({
  eventId: 'e',
  eventTime: '2026-02-01T00:00:00.000Z',
  eventTimeZoneOffset: '+08:00',
  actorOrgId: 'factory',
  location: 'CN-AH Hefei',
  ...patch,
});

export const ruleInput = (ev: CustodyEvent, states: SubjectState[], extra: Partial<RuleInput> = {}): RuleInput => ({
  event: ev,
  states: new Map(states.map((s) => [s.subjectId, s])),
  recalledLots: new Set(),
  gtinOwners: new Map([[GTIN, 'factory']]),
  actorRole: 'factory',
  recordTime: ev.eventTime,
  ...extra,
});

/** The code of the AppError `run` throws, or 'no error'; anything else is rethrown. */
export const errorCodeOf = (run: () => unknown, status?: number): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && (status === undefined || error.statusCode === status)) return error.code;
    throw error;
  }
  return 'no error';
};
