import { describe, expect, it } from 'vitest';
import { ConflictError } from '#kernel/errors';
import { applyEvent, type RuleInput, restoredState } from '#shared/custody/domain/rules';
import { type BizStep, type CustodyEvent, type SubjectState, subjectIdOf } from '#shared/custody/domain/types';
import { caseRef, errorCodeOf, event, GTIN, held, pallet, ruleInput, unit } from '../support/custody-states';

/**
 * The custody rules' remaining refusals and edges, each rule on its own: destroying, voiding
 * and recalling containers, recalls of what is already gone, nesting a container in itself,
 * containers written before counts were kept, and the programming errors the rules refuse
 * to turn into a 409. Pure, like custody-rules.test.ts: states in, new states or a 409 out.
 */
const violationOf = (ev: CustodyEvent, states: SubjectState[], extra: Partial<RuleInput> = {}): string =>
  errorCodeOf(() => applyEvent(ruleInput(ev, states, extra)), 409);

const stateAfter = (ev: CustodyEvent, states: SubjectState[], extra: Partial<RuleInput> = {}, index = 0) =>
  applyEvent(ruleInput(ev, states, extra))[index]?.after;

const u = unit('A');
const regulator = { actorRole: 'regulator' } as const;

describe('destroying', () => {
  const destroy = (ref = u) => event({ bizStep: 'destroying', subjects: [ref] });

  it('the custodian destroys a unit it holds', () => {
    expect(stateAfter(destroy(), [held(u, 'factory')])?.status).toBe('destroyed');
  });

  it('a recalled unit is destroyed: that is how a recall ends', () => {
    expect(stateAfter(destroy(), [held(u, 'factory', { status: 'recalled' })])?.status).toBe('destroyed');
    expect(stateAfter(destroy(), [held(u, 'factory')], { recalledLots: new Set([`${GTIN}#L1`]) })?.status).toBe('destroyed');
  });

  it('what is on its way cannot be destroyed by its shipper (ALREADY_IN_TRANSIT)', () => {
    expect(violationOf(destroy(), [held(u, 'factory', { status: 'in_transit', receiverOrgId: 'dist' })])).toBe(
      'ALREADY_IN_TRANSIT',
    );
  });

  it('only the custodian destroys (NOT_CUSTODIAN)', () => {
    expect(violationOf(destroy(), [held(u, 'other')])).toBe('NOT_CUSTODIAN');
  });

  it('a container still holding units cannot be destroyed (CONTAINER_NOT_EMPTY)', () => {
    expect(violationOf(destroy(pallet), [held(pallet, 'factory', { childCount: 2 })])).toBe('CONTAINER_NOT_EMPTY');
  });

  it('an empty container is destroyed, also one written before child counts were kept', () => {
    expect(stateAfter(destroy(pallet), [held(pallet, 'factory')])?.status).toBe('destroyed');
    expect(stateAfter(destroy(pallet), [held(pallet, 'factory', { childCount: undefined })])?.status).toBe('destroyed');
  });
});

describe('void', () => {
  const voidIt = (ref: typeof u, actorOrgId = 'factory') => event({ bizStep: 'void', subjects: [ref], actorOrgId });

  it('a unit of another factory’s product cannot be voided by its holder (VOID_NOT_ALLOWED)', () => {
    expect(violationOf(voidIt(u, 'dist'), [held(u, 'dist')])).toBe('VOID_NOT_ALLOWED');
  });

  it('a container (no GTIN owner) is voided by its custodian when empty', () => {
    expect(stateAfter(voidIt(caseRef, 'dist'), [held(caseRef, 'dist')])?.status).toBe('voided');
    expect(stateAfter(voidIt(caseRef, 'dist'), [held(caseRef, 'dist', { childCount: undefined })])?.status).toBe('voided');
  });

  it('a container holding units cannot be voided (CONTAINER_NOT_EMPTY)', () => {
    expect(violationOf(voidIt(caseRef), [held(caseRef, 'factory', { childCount: 1 })])).toBe('CONTAINER_NOT_EMPTY');
  });
});

describe('recall', () => {
  const recall = (ref = u, actorOrgId = 'factory') => event({ bizStep: 'recall', subjects: [ref], actorOrgId });

  it('the GTIN owner recalls a unit another organization holds', () => {
    expect(stateAfter(recall(), [held(u, 'dist')])?.status).toBe('recalled');
  });

  it.each([
    ['recalled', 'ALREADY_RECALLED'],
    ['destroyed', 'UNIT_DESTROYED'],
    ['voided', 'UNIT_VOIDED'],
  ] as const)('a %s unit cannot be recalled (%s)', (status, code) => {
    expect(violationOf(recall(), [held(u, 'factory', { status })])).toBe(code);
  });

  it('a container has no GTIN owner: a factory cannot recall it (RECALL_NOT_ALLOWED)', () => {
    expect(violationOf(recall(pallet), [held(pallet, 'factory')])).toBe('RECALL_NOT_ALLOWED');
  });

  it('a regulator recalls units or lots, not containers (UNITS_ONLY)', () => {
    expect(violationOf(recall(pallet, 'reg'), [held(pallet, 'dist')], regulator)).toBe('UNITS_ONLY');
  });
});

describe('selling, using and reversing', () => {
  it.each(['retail_selling', 'decommissioning'] as const)('%s takes units, not containers (UNITS_ONLY)', (bizStep) => {
    expect(violationOf(event({ bizStep, subjects: [caseRef] }), [held(caseRef, 'factory')])).toBe('UNITS_ONLY');
  });

  it('a unit put in use is in_use, and remembers what it was before', () => {
    expect(stateAfter(event({ bizStep: 'decommissioning', subjects: [u] }), [held(u, 'factory')])).toMatchObject({
      status: 'in_use',
      decommission: { by: 'factory', statusBefore: 'held' },
    });
  });

  it('a unit that was never sold or used has nothing to reverse (NOT_DECOMMISSIONED)', () => {
    expect(violationOf(event({ bizStep: 'decommissioning_reversal', subjects: [u] }), [held(u, 'factory')])).toBe(
      'NOT_DECOMMISSIONED',
    );
  });

  it('a sale of a unit whose lot was recalled since is not reversed back into circulation (UNIT_RECALLED)', () => {
    const sold = held(u, 'factory', {
      status: 'sold',
      decommission: { at: '2026-02-01T00:00:00.000Z', by: 'factory', statusBefore: 'held' },
    });
    const reversal = event({ bizStep: 'decommissioning_reversal', subjects: [u], eventTime: '2026-02-02T00:00:00.000Z' });
    expect(violationOf(reversal, [sold], { recalledLots: new Set([`${GTIN}#L1`]) })).toBe('UNIT_RECALLED');
  });
});

describe('packing and unpacking', () => {
  it('packing and unpacking need a parent (PARENT_REQUIRED), a 409 naming no subject', () => {
    let refused: unknown;
    try {
      applyEvent(ruleInput(event({ bizStep: 'packing', subjects: [u] }), [held(u, 'factory')]));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ code: 'PARENT_REQUIRED', details: undefined });
  });

  it('the parent must be a container (PARENT_NOT_CONTAINER)', () => {
    const ev = event({ bizStep: 'packing', parent: unit('P'), subjects: [u] });
    expect(violationOf(ev, [held(unit('P'), 'factory'), held(u, 'factory')])).toBe('PARENT_NOT_CONTAINER');
  });

  it('a container cannot be packed into itself (INVALID_NESTING)', () => {
    expect(violationOf(event({ bizStep: 'packing', parent: caseRef, subjects: [caseRef] }), [held(caseRef, 'factory')])).toBe(
      'INVALID_NESTING',
    );
  });

  it('a case takes units; a pallet takes cases', () => {
    const intoCase = event({ bizStep: 'packing', parent: caseRef, subjects: [u] });
    expect(stateAfter(intoCase, [held(caseRef, 'factory'), held(u, 'factory')], {}, 1)?.parentId).toBe(subjectIdOf(caseRef));
    const intoPallet = event({ bizStep: 'packing', parent: pallet, subjects: [caseRef] });
    expect(stateAfter(intoPallet, [held(pallet, 'factory'), held(caseRef, 'factory')], {}, 1)?.parentId).toBe(
      subjectIdOf(pallet),
    );
  });

  it('counts children of a container written before child counts were kept, packing and unpacking', () => {
    const legacy = held(caseRef, 'factory', { childCount: undefined });
    const pack = event({ bizStep: 'packing', parent: caseRef, subjects: [u] });
    expect(stateAfter(pack, [legacy, held(u, 'factory')])?.childCount).toBe(1);
    const unpack = event({ bizStep: 'unpacking', parent: caseRef, subjects: [u] });
    const inside = held(u, 'factory', { parentId: subjectIdOf(caseRef) });
    expect(stateAfter(unpack, [legacy, inside])?.childCount).toBe(0);
  });
});

describe('what is a programming error, not a rule', () => {
  it('an event on a subject whose state was not loaded fails loudly instead of passing unchecked', () => {
    expect(() => applyEvent(ruleInput(event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'dist' }), []))).toThrow(
      /was not loaded/,
    );
  });

  it('a step the rules do not know is refused, never applied as a move', () => {
    const unknown = event({ bizStep: 'inspecting' as BizStep, subjects: [u] });
    expect(() => applyEvent(ruleInput(unknown, [held(u, 'factory')]))).toThrow(/not an object event/);
  });
});

describe('the state an error declaration restores', () => {
  it('frees a container restored to a state written before child counts were kept', () => {
    const flagged = held(caseRef, 'factory', { childCount: 2, containsRecalled: true });
    expect(restoredState(flagged, held(caseRef, 'factory', { childCount: undefined }))).not.toHaveProperty('containsRecalled');
  });
});
