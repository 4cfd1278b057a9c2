/**
 * The custody rules as one pure function: given the current state of everything an event
 * touches, either the new states or a 409 naming the rule that was broken. The service
 * reads states, calls this, and writes the result with conditions on every version, so a
 * concurrent change makes the write fail rather than the rule be skipped. The rules stay
 * together in one file (about 340 lines): read side by side, they can be checked to agree.
 */
import { ConflictError } from '#kernel/errors';
import { unitTotalAfter } from './container-tree';
import {
  type CustodyEvent,
  type CustodyStatus,
  DECOMMISSIONED_STATUSES,
  MAX_EVENTS_PER_SUBJECT,
  type SubjectRef,
  type SubjectState,
  subjectIdOf,
  type Transition,
} from './types';

export const DECOMMISSION_REVERSAL_DAYS = 10;

/**
 * The one clock-skew allowance. Events come from many organizations' devices whose clocks
 * disagree a little, so an eventTime may be up to this much ahead of the server clock,
 * before the latest event on its subject, or before its subject's issuance. Anything
 * that decides (recall dates, the reversal window) uses the server's record time instead.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60 * 1000;

export interface RuleInput {
  event: CustodyEvent;
  /** Current state of every subject and of the parent, keyed by subject id. */
  states: ReadonlyMap<string, SubjectState>;
  /** "gtin#lot" of every recalled lot among the event's units. */
  recalledLots: ReadonlySet<string>;
  /** GTIN owner (factory org id) of each unit's product, keyed by GTIN. */
  gtinOwners: ReadonlyMap<string, string>;
  actorRole: 'factory' | 'distributor' | 'regulator' | 'admin' | 'lab';
  /** When the server records the event: time windows are measured on it, never on eventTime. */
  recordTime: string;
}

// The store writes transitions without depending on the rules that make them.
export type { Transition } from './types';

const violation = (code: string, message: string, subjectId?: string): ConflictError =>
  new ConflictError(code, message, subjectId === undefined ? undefined : { subject: subjectId });

const stateOf = (input: RuleInput, ref: SubjectRef): SubjectState => {
  const id = subjectIdOf(ref);
  const state = input.states.get(id);
  if (state === undefined) throw new Error(`state of ${id} was not loaded`);
  return state;
};

const lotKey = (ref: SubjectRef): string | undefined => (ref.kind === 'unit' ? `${ref.gtin}#${ref.lot}` : undefined);

/** The status that counts, with a lot recall overriding anything still movable. */
const effectiveStatus = (input: RuleInput, state: SubjectState): CustodyStatus => {
  const lot = lotKey(state.ref);
  if (lot !== undefined && input.recalledLots.has(lot) && !['destroyed', 'voided'].includes(state.status)) {
    return 'recalled';
  }
  return state.status;
};

const requireMovable = (
  input: RuleInput,
  state: SubjectState,
  options: { allowInTransit?: boolean; allowContainsRecalled?: boolean } = {},
): void => {
  const id = state.subjectId;
  const status = effectiveStatus(input, state);
  if (status === 'recalled') throw violation('UNIT_RECALLED', `${id} was recalled and cannot move`, id);
  if (status === 'destroyed') throw violation('UNIT_DESTROYED', `${id} was destroyed`, id);
  if (status === 'voided') throw violation('UNIT_VOIDED', `${id} was voided (misprinted label)`, id);
  if (DECOMMISSIONED_STATUSES.has(status)) {
    throw violation('UNIT_DECOMMISSIONED', `${id} has left the supply chain (${status})`, id);
  }
  if (status === 'in_transit' && options.allowInTransit !== true) {
    throw violation('ALREADY_IN_TRANSIT', `${id} is in transit and must be received first`, id);
  }
  if (state.containsRecalled === true && options.allowContainsRecalled !== true) {
    throw violation('CONTAINS_RECALLED', `${id} holds recalled units and cannot move; unpack them`, id);
  }
};

const requireTopLevel = (state: SubjectState): void => {
  if (state.parentId !== undefined) {
    throw violation(
      'IN_CONTAINER',
      `${state.subjectId} is packed in ${state.parentId}; it moves with its container or must be unpacked first`,
      state.subjectId,
    );
  }
};

const requireCustodian = (state: SubjectState, actor: string): void => {
  if (state.custodianOrgId !== actor) {
    throw violation('NOT_CUSTODIAN', `${state.subjectId} is not held by your organization`, state.subjectId);
  }
};

const requireInOrder = (state: SubjectState, eventTime: string): void => {
  if (Date.parse(eventTime) < Date.parse(state.lastEventTime) - CLOCK_SKEW_TOLERANCE_MS) {
    throw violation(
      'EVENT_OUT_OF_ORDER',
      `The event time is before the latest event on ${state.subjectId} (${state.lastEventTime})`,
      state.subjectId,
    );
  }
};

const ownerOf = (input: RuleInput, ref: SubjectRef): string | undefined =>
  ref.kind === 'unit' ? input.gtinOwners.get(ref.gtin) : undefined;

const change = (state: SubjectState, patch: Partial<SubjectState>, chained = true): Transition => {
  const after: SubjectState = { ...state, ...patch };
  for (const key of Object.keys(patch) as (keyof SubjectState)[]) {
    if (patch[key] === undefined) delete after[key];
  }
  return { subjectId: state.subjectId, before: state, after, chained };
};

/** One object event's rule for one subject: the subject's new state, or the violation. */
type ObjectRule = (input: RuleInput, state: SubjectState, actor: string) => Transition;

const ship: ObjectRule = (input, state, actor) => {
  requireTopLevel(state);
  requireMovable(input, state);
  requireCustodian(state, actor);
  return change(state, { status: 'in_transit', receiverOrgId: input.event.destinationOrgId });
};

const receive: ObjectRule = (input, state, actor) => {
  const id = state.subjectId;
  requireTopLevel(state);
  if (effectiveStatus(input, state) !== 'in_transit') {
    requireMovable(input, state);
    throw violation('NOT_IN_TRANSIT', `${id} was not shipped, so it cannot be received`, id);
  }
  if (state.receiverOrgId !== actor) {
    throw violation('NOT_RECEIVER', `${id} was shipped to another organization`, id);
  }
  requireMovable(input, state, { allowInTransit: true });
  return change(state, { status: 'held', custodianOrgId: actor, receiverOrgId: undefined });
};

/** Sold or put to use: the unit leaves the supply chain, reversibly for a while (see reverseDecommission). */
const decommission: ObjectRule = (input, state, actor) => {
  const id = state.subjectId;
  requireTopLevel(state);
  requireMovable(input, state);
  requireCustodian(state, actor);
  if (state.ref.kind !== 'unit') throw violation('UNITS_ONLY', `${id} is a container; sell or use its units`, id);
  return change(state, {
    status: input.event.bizStep === 'retail_selling' ? 'sold' : 'in_use',
    decommission: { at: input.recordTime, by: actor, statusBefore: state.status },
  });
};

const reverseDecommission: ObjectRule = (input, state, actor) => {
  const id = state.subjectId;
  if (!DECOMMISSIONED_STATUSES.has(state.status) || state.decommission === undefined) {
    throw violation('NOT_DECOMMISSIONED', `${id} is not sold or in use`, id);
  }
  if (state.decommission.by !== actor) {
    throw violation('REVERSAL_BY_OTHER_ORGANIZATION', 'Only the organization that decommissioned a unit can reverse it', id);
  }
  const windowMs = DECOMMISSION_REVERSAL_DAYS * 24 * 60 * 60 * 1000;
  if (Date.parse(input.recordTime) - Date.parse(state.decommission.at) > windowMs) {
    throw violation(
      'REVERSAL_WINDOW_CLOSED',
      `A decommission can be reversed within ${DECOMMISSION_REVERSAL_DAYS} days only`,
      id,
    );
  }
  if (effectiveStatus(input, state) === 'recalled') throw violation('UNIT_RECALLED', `${id} was recalled`, id);
  return change(state, { status: state.decommission.statusBefore, decommission: undefined });
};

const requireEmpty = (state: SubjectState): void => {
  if (state.ref.kind === 'container' && (state.childCount ?? 0) > 0) {
    throw violation('CONTAINER_NOT_EMPTY', `${state.subjectId} still holds units; unpack them first`, state.subjectId);
  }
};

const destroy: ObjectRule = (input, state, actor) => {
  requireTopLevel(state);
  requireCustodian(state, actor);
  const status = effectiveStatus(input, state);
  // Recalled goods end their life by destruction, so recall does not block this one.
  if (status !== 'held' && status !== 'recalled') requireMovable(input, state);
  requireEmpty(state);
  return change(state, { status: 'destroyed' });
};

/** A misprinted label: only its factory, and only before the unit has moved. */
const voidLabel: ObjectRule = (input, state, actor) => {
  requireTopLevel(state);
  requireMovable(input, state);
  requireCustodian(state, actor);
  const owner = ownerOf(input, state.ref);
  if (owner !== undefined && (owner !== actor || state.version > 0)) {
    throw violation('VOID_NOT_ALLOWED', 'Only the factory can void a label, before the unit has moved', state.subjectId);
  }
  requireEmpty(state);
  return change(state, { status: 'voided' });
};

const recall: ObjectRule = (input, state, actor) => {
  const id = state.subjectId;
  const owner = ownerOf(input, state.ref);
  if (input.actorRole !== 'regulator' && owner !== actor) {
    throw violation('RECALL_NOT_ALLOWED', 'Only the GTIN owner or a regulator can recall', id);
  }
  if (state.status === 'recalled') throw violation('ALREADY_RECALLED', `${id} is already recalled`, id);
  if (state.status === 'destroyed' || state.status === 'voided') {
    throw violation(state.status === 'destroyed' ? 'UNIT_DESTROYED' : 'UNIT_VOIDED', `${id} can no longer be recalled`, id);
  }
  if (state.ref.kind !== 'unit') throw violation('UNITS_ONLY', 'Recall units or lots, not containers', id);
  return change(state, { status: 'recalled' });
};

const objectRuleOf = (bizStep: CustodyEvent['bizStep']): ObjectRule => {
  switch (bizStep) {
    case 'shipping':
      return ship;
    case 'receiving':
      return receive;
    case 'retail_selling':
    case 'decommissioning':
      return decommission;
    case 'decommissioning_reversal':
      return reverseDecommission;
    case 'destroying':
      return destroy;
    case 'void':
      return voidLabel;
    case 'recall':
      return recall;
    default:
      throw new Error(`${bizStep} is not an object event`);
  }
};

const objectTransitions = (input: RuleInput): Transition[] => {
  const { event } = input;
  return event.subjects.map((ref) => {
    const state = stateOf(input, ref);
    requireInOrder(state, event.eventTime);
    return objectRuleOf(event.bizStep)(input, state, event.actorOrgId);
  });
};

const aggregationTransitions = (input: RuleInput, parentRef: SubjectRef): Transition[] => {
  const { event } = input;
  const actor = event.actorOrgId;
  const parent = stateOf(input, parentRef);
  if (parent.ref.kind !== 'container') throw violation('PARENT_NOT_CONTAINER', 'The parent must be a case or pallet');
  requireInOrder(parent, event.eventTime);
  requireTopLevel(parent);
  // Unpacking is how recalled units are taken out of circulation, so it stays allowed.
  requireMovable(input, parent, { allowContainsRecalled: event.bizStep === 'unpacking' });
  requireCustodian(parent, actor);
  const children = event.subjects.map((ref) => stateOf(input, ref));
  const parentKind = parent.ref.containerKind;

  if (event.bizStep === 'packing') {
    const transitions = children.map((child) => {
      const id = child.subjectId;
      if (id === parent.subjectId) throw violation('INVALID_NESTING', 'A container cannot contain itself', id);
      if (child.ref.kind === 'container' && (parentKind === 'case' || child.ref.containerKind === 'pallet')) {
        throw violation('INVALID_NESTING', 'Only cases (and units) go into pallets; cases hold units', id);
      }
      requireInOrder(child, event.eventTime);
      requireTopLevel(child);
      requireMovable(input, child);
      requireCustodian(child, actor);
      return change(child, { parentId: parent.subjectId, packedAt: event.eventTime });
    });
    const childCount = (parent.childCount ?? 0) + children.length;
    return [change(parent, { childCount, unitCount: unitTotalAfter(parent, children, 1, childCount) }), ...transitions];
  }

  const transitions = children.map((child) => {
    if (child.parentId !== parent.subjectId) {
      throw violation('NOT_IN_CONTAINER', `${child.subjectId} is not packed in ${parent.subjectId}`, child.subjectId);
    }
    requireInOrder(child, event.eventTime);
    // Custody passed to whoever held the container; the child takes it on unpacking. Its
    // own status (recalled, above all) is its own and stays: unpacking is no way out of a recall.
    return change(child, { parentId: undefined, packedAt: undefined, custodianOrgId: actor });
  });
  const remaining = Math.max(0, (parent.childCount ?? 0) - children.length);
  // An empty container holds nothing recalled any more.
  return [
    change(parent, {
      childCount: remaining,
      unitCount: unitTotalAfter(parent, children, -1, remaining),
      ...(remaining === 0 ? { containsRecalled: undefined } : {}),
    }),
    ...transitions,
  ];
};

const requireBelowEventLimit = (transitions: readonly Transition[]): void => {
  for (const { before, chained, subjectId } of transitions) {
    if (chained && before.version >= MAX_EVENTS_PER_SUBJECT) {
      throw violation(
        'SUBJECT_EVENT_LIMIT',
        `${subjectId} has ${MAX_EVENTS_PER_SUBJECT} events, the most one code may have`,
        subjectId,
      );
    }
  }
};

/** The state changes an event makes, or the 409 of the first rule it breaks. */
export const applyEvent = (input: RuleInput): Transition[] => {
  const { event } = input;
  let transitions: Transition[];
  if (event.bizStep === 'packing' || event.bizStep === 'unpacking') {
    if (event.parent === undefined) throw violation('PARENT_REQUIRED', 'Packing and unpacking need a parent container');
    transitions = aggregationTransitions(input, event.parent);
  } else {
    transitions = objectTransitions(input);
  }
  requireBelowEventLimit(transitions);
  return transitions;
};

/**
 * The state an error declaration returns a subject to: the one before the declared event,
 * except that a recall, once made, is never undone by a correction of something else (a
 * container still holding recalled units stays stopped).
 */
export const restoredState = (current: SubjectState, before: SubjectState): SubjectState => {
  const restored: SubjectState = { ...before };
  if (current.status === 'recalled') restored.status = 'recalled';
  if (current.containsRecalled === true && (restored.childCount ?? 0) > 0) restored.containsRecalled = true;
  return restored;
};
