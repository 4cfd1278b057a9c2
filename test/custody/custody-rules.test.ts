import { describe, expect, it } from 'vitest';
import { applyEvent, type RuleInput, restoredState } from '#shared/custody/domain/rules';
import { type CustodyEvent, MAX_EVENTS_PER_SUBJECT, type SubjectState, subjectIdOf } from '#shared/custody/domain/types';
import { caseRef, errorCodeOf, event, GTIN, held, pallet, ruleInput, unit } from '../support/custody-states';

/** The rules are pure: states in, new states or a 409 out. No database, no mocks. */
const violationOf = (ev: CustodyEvent, states: SubjectState[], extra: Partial<RuleInput> = {}): string =>
  errorCodeOf(() => applyEvent(ruleInput(ev, states, extra)), 409);

const stateAfter = (
  ev: CustodyEvent,
  states: SubjectState[],
  extra: Partial<RuleInput> = {},
  index = 0,
): SubjectState | undefined => applyEvent(ruleInput(ev, states, extra))[index]?.after;

const u = unit('A');
const ship = (ref = u, patch: Partial<CustodyEvent> = {}) =>
  event({ bizStep: 'shipping', subjects: [ref], destinationOrgId: 'dist', ...patch });
const receive = (actor: string) => event({ bizStep: 'receiving', subjects: [u], actorOrgId: actor });
const inTransit = held(u, 'factory', { status: 'in_transit', receiverOrgId: 'dist' });

describe('shipping and receiving', () => {
  it('shipping puts the unit in transit to its destination; the shipper stays custodian', () => {
    expect(stateAfter(ship(), [held(u, 'factory')])).toMatchObject({
      status: 'in_transit',
      receiverOrgId: 'dist',
      custodianOrgId: 'factory',
    });
  });

  it('only the custodian ships (NOT_CUSTODIAN)', () => {
    expect(violationOf(ship(u, { actorOrgId: 'other' }), [held(u, 'factory')])).toBe('NOT_CUSTODIAN');
  });

  it('the named receiver becomes the custodian on receipt', () => {
    expect(stateAfter(receive('dist'), [inTransit])).toMatchObject({ status: 'held', custodianOrgId: 'dist' });
  });

  it('a receipt clears the receiver', () => {
    expect(stateAfter(receive('dist'), [inTransit])).not.toHaveProperty('receiverOrgId');
  });

  it('another organization cannot receive (NOT_RECEIVER)', () => {
    expect(violationOf(receive('other'), [inTransit])).toBe('NOT_RECEIVER');
  });

  it('what was never shipped cannot be received (NOT_IN_TRANSIT)', () => {
    expect(violationOf(receive('dist'), [held(u, 'factory')])).toBe('NOT_IN_TRANSIT');
  });
});

describe('containers', () => {
  const children = [unit('A'), unit('B')];
  const pack = event({ bizStep: 'packing', parent: pallet, subjects: children });
  const packed = () => applyEvent(ruleInput(pack, [held(pallet, 'factory'), ...children.map((c) => held(c, 'factory'))]));

  it('packing counts the children on the parent', () => {
    expect(packed()[0]?.after.childCount).toBe(2);
  });

  it('packing points each child at its parent', () => {
    expect(
      packed()
        .slice(1)
        .map((t) => t.after.parentId),
    ).toEqual([subjectIdOf(pallet), subjectIdOf(pallet)]);
  });

  it('a packed unit cannot ship on its own (IN_CONTAINER)', () => {
    expect(violationOf(ship(), [held(u, 'factory', { parentId: subjectIdOf(pallet) })])).toBe('IN_CONTAINER');
  });

  it('a pallet ships alone, whatever it holds', () => {
    expect(applyEvent(ruleInput(ship(pallet), [held(pallet, 'factory', { childCount: 2 })]))).toHaveLength(1);
  });

  it('a pallet cannot go into a case (INVALID_NESTING)', () => {
    const ev = event({ bizStep: 'packing', parent: caseRef, subjects: [pallet] });
    expect(violationOf(ev, [held(caseRef, 'factory'), held(pallet, 'factory')])).toBe('INVALID_NESTING');
  });

  it('only what is inside can be unpacked (NOT_IN_CONTAINER)', () => {
    const ev = event({ bizStep: 'unpacking', parent: pallet, subjects: [u] });
    expect(violationOf(ev, [held(pallet, 'factory'), held(u, 'factory')])).toBe('NOT_IN_CONTAINER');
  });
});

describe('what cannot move', () => {
  it.each([
    ['destroyed', 'UNIT_DESTROYED'],
    ['voided', 'UNIT_VOIDED'],
    ['recalled', 'UNIT_RECALLED'],
    ['sold', 'UNIT_DECOMMISSIONED'],
    ['in_use', 'UNIT_DECOMMISSIONED'],
    ['in_transit', 'ALREADY_IN_TRANSIT'],
  ] as const)('a %s unit cannot move (%s)', (status, code) => {
    expect(violationOf(ship(), [held(u, 'factory', { status })])).toBe(code);
  });

  it('a unit of a recalled lot cannot move (UNIT_RECALLED)', () => {
    expect(violationOf(ship(), [held(u, 'factory')], { recalledLots: new Set([`${GTIN}#L1`]) })).toBe('UNIT_RECALLED');
  });

  it('a container holding recalled units cannot move (CONTAINS_RECALLED)', () => {
    expect(violationOf(ship(pallet), [held(pallet, 'factory', { containsRecalled: true })])).toBe('CONTAINS_RECALLED');
  });
});

describe('recalls', () => {
  const recall = (actor: string) => event({ bizStep: 'recall', subjects: [u], actorOrgId: actor });
  const inside = held(u, 'factory', { status: 'recalled', parentId: subjectIdOf(caseRef), packedAt: '2026-01-15T00:00:00.000Z' });
  const unpack = event({ bizStep: 'unpacking', parent: caseRef, subjects: [u] });
  const unpacked = () => stateAfter(unpack, [held(caseRef, 'factory', { childCount: 1, containsRecalled: true }), inside], {}, 1);

  it('unpacking a recalled unit hands it to the container custodian and keeps it recalled', () => {
    expect(unpacked()).toMatchObject({ status: 'recalled', custodianOrgId: 'factory' });
  });

  it('unpacking a recalled unit takes it out of its container', () => {
    expect(unpacked()).not.toHaveProperty('parentId');
    expect(unpacked()).not.toHaveProperty('packedAt');
  });

  it('a recalled unit taken out of its container still cannot move (UNIT_RECALLED)', () => {
    expect(violationOf(ship(), [unpacked() ?? inside])).toBe('UNIT_RECALLED');
  });

  it('a distributor cannot recall (RECALL_NOT_ALLOWED)', () => {
    expect(violationOf(recall('dist'), [held(u, 'dist')], { actorRole: 'distributor' })).toBe('RECALL_NOT_ALLOWED');
  });

  it('a regulator recalls a unit it does not own', () => {
    expect(stateAfter(recall('reg'), [held(u, 'dist')], { actorRole: 'regulator' })?.status).toBe('recalled');
  });
});

describe('decommissioning and its reversal', () => {
  const sold = held(u, 'factory', {
    status: 'sold',
    decommission: { at: '2026-02-01T00:00:00.000Z', by: 'factory', statusBefore: 'held' },
  });
  const reversal = (recordTime: string, actor = 'factory', eventTime = recordTime) =>
    applyEvent(
      ruleInput(event({ bizStep: 'decommissioning_reversal', subjects: [u], eventTime, actorOrgId: actor }), [sold], {
        recordTime,
      }),
    );

  it('stamps a decommission with the server record time, not the reported eventTime', () => {
    const ev = event({ bizStep: 'retail_selling', subjects: [u], eventTime: '2026-02-01T00:00:00.000Z' });
    expect(stateAfter(ev, [held(u, 'factory')], { recordTime: '2026-02-01T00:04:00.000Z' })?.decommission?.at).toBe(
      '2026-02-01T00:04:00.000Z',
    );
  });

  it('the decommissioning organization reverses within 10 days', () => {
    expect(reversal('2026-02-10T23:59:59.000Z')[0]?.after.status).toBe('held');
  });

  it('a reversal after 10 days is refused (REVERSAL_WINDOW_CLOSED)', () => {
    expect(errorCodeOf(() => reversal('2026-02-11T00:00:01.000Z'))).toBe('REVERSAL_WINDOW_CLOSED');
  });

  it('another organization cannot reverse (REVERSAL_BY_OTHER_ORGANIZATION)', () => {
    expect(errorCodeOf(() => reversal('2026-02-05T00:00:00.000Z', 'other'))).toBe('REVERSAL_BY_OTHER_ORGANIZATION');
  });

  it('a backdated eventTime does not reopen the window: the server clock decides', () => {
    expect(errorCodeOf(() => reversal('2026-03-01T00:00:00.000Z', 'factory', '2026-02-02T00:00:00.000Z'))).toBe(
      'REVERSAL_WINDOW_CLOSED',
    );
  });
});

describe('void', () => {
  const voidIt = event({ bizStep: 'void', subjects: [u] });

  it('the GTIN owner voids a unit that never moved', () => {
    expect(stateAfter(voidIt, [held(u, 'factory')])?.status).toBe('voided');
  });

  it('a unit that moved cannot be voided (VOID_NOT_ALLOWED)', () => {
    expect(violationOf(voidIt, [held(u, 'factory', { version: 1 })])).toBe('VOID_NOT_ALLOWED');
  });
});

describe('event order and the per-code limit', () => {
  const latestAt = held(u, 'factory', { lastEventTime: '2026-02-01T00:10:00.000Z' });
  const sellAt = (eventTime: string) => event({ bizStep: 'retail_selling', subjects: [u], eventTime });

  it('accepts an event up to the clock-skew allowance before the latest one', () => {
    expect(applyEvent(ruleInput(sellAt('2026-02-01T00:06:00.000Z'), [latestAt]))).toHaveLength(1);
  });

  it('refuses an event further before the latest one (EVENT_OUT_OF_ORDER)', () => {
    expect(violationOf(sellAt('2026-02-01T00:04:00.000Z'), [latestAt])).toBe('EVENT_OUT_OF_ORDER');
  });

  it(`accepts the ${MAX_EVENTS_PER_SUBJECT}th event on a code`, () => {
    expect(applyEvent(ruleInput(ship(), [held(u, 'factory', { version: MAX_EVENTS_PER_SUBJECT - 1 })]))).toHaveLength(1);
  });

  it(`refuses events on a code that already has ${MAX_EVENTS_PER_SUBJECT} (SUBJECT_EVENT_LIMIT)`, () => {
    expect(violationOf(ship(), [held(u, 'factory', { version: MAX_EVENTS_PER_SUBJECT })])).toBe('SUBJECT_EVENT_LIMIT');
  });
});

describe('the state an error declaration restores', () => {
  const flagged = held(caseRef, 'factory', { childCount: 2, containsRecalled: true });

  it('never lifts a recall from a unit', () => {
    expect(restoredState(held(u, 'factory', { status: 'recalled' }), held(u, 'factory')).status).toBe('recalled');
  });

  it('keeps a container that still holds units stopped', () => {
    expect(restoredState(flagged, held(caseRef, 'factory', { childCount: 1 })).containsRecalled).toBe(true);
  });

  it('frees a container the restored state leaves empty', () => {
    expect(restoredState(flagged, held(caseRef, 'factory', { childCount: 0 }))).not.toHaveProperty('containsRecalled');
  });
});

describe('units in all', () => {
  const loose = [unit('P'), unit('Q')];
  const fullCase = held(caseRef, 'factory', { childCount: 3, unitCount: 3 });
  const packPallet = event({ bizStep: 'packing', parent: pallet, subjects: [caseRef, ...loose] });
  const palletAfterPacking = () =>
    stateAfter(packPallet, [held(pallet, 'factory'), fullCase, ...loose.map((c) => held(c, 'factory'))]);

  it('a pallet counts the units inside its cases, besides its direct children', () => {
    expect(palletAfterPacking()).toMatchObject({ childCount: 3, unitCount: 5 });
  });

  it('unpacking a case takes its units off the total; an empty container holds none', () => {
    const loaded = palletAfterPacking() as SubjectState;
    const packedCase = { ...fullCase, parentId: loaded.subjectId };
    const unpackCase = event({ bizStep: 'unpacking', parent: pallet, subjects: [caseRef] });
    expect(stateAfter(unpackCase, [loaded, packedCase])).toMatchObject({ childCount: 2, unitCount: 2 });
    const emptied = { ...loaded, childCount: 1, unitCount: 3 };
    expect(stateAfter(unpackCase, [emptied, packedCase])).toMatchObject({ childCount: 0, unitCount: 0 });
  });

  it('reads a case filled before totals were kept by its children, and does not guess a pallet of cases', () => {
    const legacyCase = held(caseRef, 'factory', { childCount: 4 });
    expect(stateAfter(packPallet, [held(pallet, 'factory'), legacyCase, ...loose.map((c) => held(c, 'factory'))])).toMatchObject({
      unitCount: 6,
    });
    const legacyPallet = held(pallet, 'factory', { childCount: 2 });
    const packMore = event({ bizStep: 'packing', parent: pallet, subjects: loose });
    expect(stateAfter(packMore, [legacyPallet, ...loose.map((c) => held(c, 'factory'))])).not.toHaveProperty('unitCount');
  });
});
