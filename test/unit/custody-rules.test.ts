import { describe, expect, it } from 'vitest';
import { type ChainEntry, hashRecordedEvent, verifyChain } from '../../shared/custody/chain';
import { canonicalPreHash, eventIdOf } from '../../shared/custody/identifiers';
import { applyEvent, type RuleInput, restoredState } from '../../shared/custody/rules';
import { appendSteps, boundSteps, movesSince, shownSteps } from '../../shared/custody/summary';
import {
  CUSTODY_SUMMARY_RECENT_STEPS,
  type CustodyEvent,
  type CustodyStep,
  MAX_EVENTS_PER_SUBJECT,
  type SubjectRef,
  type SubjectState,
  subjectIdOf,
} from '../../shared/custody/types';
import { AppError } from '../../shared/errors';

/** The rules are pure: states in, new states or a 409 out. No database, no mocks. */
const unit = (serial: string): SubjectRef => ({ kind: 'unit', gtin: '06952012345676', lot: 'L1', serial });
const pallet: SubjectRef = { kind: 'container', sscc: '306141410000000006', containerKind: 'pallet' };
const caseRef: SubjectRef = { kind: 'container', sscc: '106141410000000008', containerKind: 'case' };

const held = (ref: SubjectRef, custodian: string, patch: Partial<SubjectState> = {}): SubjectState => ({
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

const event = (patch: Partial<CustodyEvent> & Pick<CustodyEvent, 'bizStep' | 'subjects'>): CustodyEvent => ({
  eventId: 'e',
  eventTime: '2026-02-01T00:00:00.000Z',
  eventTimeZoneOffset: '+08:00',
  actorOrgId: 'factory',
  location: 'CN-AH Hefei',
  ...patch,
});

const input = (ev: CustodyEvent, states: SubjectState[], extra: Partial<RuleInput> = {}): RuleInput => ({
  event: ev,
  states: new Map(states.map((s) => [s.subjectId, s])),
  recalledLots: new Set(),
  gtinOwners: new Map([['06952012345676', 'factory']]),
  actorRole: 'factory',
  recordTime: ev.eventTime,
  ...extra,
});

const violationOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.statusCode === 409) return error.code;
    throw error;
  }
  return 'no violation';
};

describe('custody rules', () => {
  it('ships, then only the named receiver receives', () => {
    const u = unit('A');
    const [shipped] = applyEvent(
      input(event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'dist' }), [held(u, 'factory')]),
    );
    expect(shipped?.after).toMatchObject({ status: 'in_transit', receiverOrgId: 'dist', custodianOrgId: 'factory' });
    const inTransit = shipped?.after ?? held(u, 'x');
    const receive = (actor: string) =>
      applyEvent(input(event({ bizStep: 'receiving', subjects: [u], actorOrgId: actor }), [inTransit]));
    expect(violationOf(() => receive('other'))).toBe('NOT_RECEIVER');
    expect(receive('dist')[0]?.after).toMatchObject({ status: 'held', custodianOrgId: 'dist' });
    expect(receive('dist')[0]?.after).not.toHaveProperty('receiverOrgId');
  });

  it('packs into a pallet and moves the pallet alone; children resolve through it', () => {
    const children = [unit('A'), unit('B')];
    const transitions = applyEvent(
      input(event({ bizStep: 'packing', parent: pallet, subjects: children }), [
        held(pallet, 'factory'),
        ...children.map((c) => held(c, 'factory')),
      ]),
    );
    expect(transitions[0]?.after.childCount).toBe(2);
    expect(transitions.slice(1).map((t) => t.after.parentId)).toEqual([subjectIdOf(pallet), subjectIdOf(pallet)]);
    const packedChild = transitions[1]?.after ?? held(unit('A'), 'x');
    expect(
      violationOf(() =>
        applyEvent(input(event({ bizStep: 'shipping', subjects: [unit('A')], destinationOrgId: 'd' }), [packedChild])),
      ),
    ).toBe('IN_CONTAINER');
    const palletState = transitions[0]?.after ?? held(pallet, 'x');
    expect(
      applyEvent(input(event({ bizStep: 'shipping', subjects: [pallet], destinationOrgId: 'd' }), [palletState])),
    ).toHaveLength(1);
  });

  it('refuses nesting a pallet in a case and unpacking what is not inside', () => {
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'packing', parent: caseRef, subjects: [pallet] }), [
            held(caseRef, 'factory'),
            held(pallet, 'factory'),
          ]),
        ),
      ),
    ).toBe('INVALID_NESTING');
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'unpacking', parent: pallet, subjects: [unit('A')] }), [
            held(pallet, 'factory'),
            held(unit('A'), 'factory'),
          ]),
        ),
      ),
    ).toBe('NOT_IN_CONTAINER');
  });

  it.each([
    ['destroyed', 'UNIT_DESTROYED'],
    ['voided', 'UNIT_VOIDED'],
    ['recalled', 'UNIT_RECALLED'],
    ['sold', 'UNIT_DECOMMISSIONED'],
    ['in_use', 'UNIT_DECOMMISSIONED'],
    ['in_transit', 'ALREADY_IN_TRANSIT'],
  ] as const)('a %s unit cannot move (%s)', (status, code) => {
    const u = unit('A');
    expect(
      violationOf(() =>
        applyEvent(input(event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'd' }), [held(u, 'factory', { status })])),
      ),
    ).toBe(code);
  });

  it('a recalled lot stops its units, and a container holding recalled units stops too', () => {
    const u = unit('A');
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'd' }), [held(u, 'factory')], {
            recalledLots: new Set(['06952012345676#L1']),
          }),
        ),
      ),
    ).toBe('UNIT_RECALLED');
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'shipping', subjects: [pallet], destinationOrgId: 'd' }), [
            held(pallet, 'factory', { containsRecalled: true }),
          ]),
        ),
      ),
    ).toBe('CONTAINS_RECALLED');
  });

  it('reverses a decommission within 10 days of its record time, by the same organization only', () => {
    const u = unit('A');
    const sold = held(u, 'factory', {
      status: 'sold',
      decommission: { at: '2026-02-01T00:00:00.000Z', by: 'factory', statusBefore: 'held' },
    });
    const reversal = (recordTime: string, actor = 'factory', eventTime = recordTime) =>
      applyEvent(
        input(event({ bizStep: 'decommissioning_reversal', subjects: [u], eventTime, actorOrgId: actor }), [sold], {
          recordTime,
        }),
      );
    expect(reversal('2026-02-10T23:59:59.000Z')[0]?.after.status).toBe('held');
    expect(violationOf(() => reversal('2026-02-11T00:00:01.000Z'))).toBe('REVERSAL_WINDOW_CLOSED');
    expect(violationOf(() => reversal('2026-02-05T00:00:00.000Z', 'other'))).toBe('REVERSAL_BY_OTHER_ORGANIZATION');
    // A backdated eventTime does not reopen the window: the server's clock decides.
    expect(violationOf(() => reversal('2026-03-01T00:00:00.000Z', 'factory', '2026-02-02T00:00:00.000Z'))).toBe(
      'REVERSAL_WINDOW_CLOSED',
    );
  });

  it('stamps a decommission with the server record time, not the reported eventTime', () => {
    const u = unit('A');
    const ev = event({ bizStep: 'retail_selling', subjects: [u], eventTime: '2026-02-01T00:00:00.000Z' });
    const [sold] = applyEvent(input(ev, [held(u, 'factory')], { recordTime: '2026-02-01T00:04:00.000Z' }));
    expect(sold?.after.decommission?.at).toBe('2026-02-01T00:04:00.000Z');
  });

  it('unpacking a recalled unit changes its parent and custodian, never its status', () => {
    const u = unit('A');
    const inside = held(u, 'factory', {
      status: 'recalled',
      parentId: subjectIdOf(caseRef),
      packedAt: '2026-01-15T00:00:00.000Z',
    });
    const transitions = applyEvent(
      input(event({ bizStep: 'unpacking', parent: caseRef, subjects: [u] }), [
        held(caseRef, 'factory', { childCount: 1, containsRecalled: true }),
        inside,
      ]),
    );
    expect(transitions[1]?.after).toMatchObject({ status: 'recalled', custodianOrgId: 'factory' });
    expect(transitions[1]?.after).not.toHaveProperty('parentId');
    expect(transitions[1]?.after).not.toHaveProperty('packedAt');
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'd' }), [transitions[1]?.after ?? inside]),
        ),
      ),
    ).toBe('UNIT_RECALLED');
  });

  it('an error declaration never restores what a recall changed', () => {
    const u = unit('A');
    expect(restoredState(held(u, 'factory', { status: 'recalled' }), held(u, 'factory')).status).toBe('recalled');
    const flagged = held(caseRef, 'factory', { childCount: 2, containsRecalled: true });
    expect(restoredState(flagged, held(caseRef, 'factory', { childCount: 1 })).containsRecalled).toBe(true);
    expect(restoredState(flagged, held(caseRef, 'factory', { childCount: 0 }))).not.toHaveProperty('containsRecalled');
  });

  it(`refuses events on a code that already has ${MAX_EVENTS_PER_SUBJECT}`, () => {
    const u = unit('A');
    const ship = event({ bizStep: 'shipping', subjects: [u], destinationOrgId: 'd' });
    expect(applyEvent(input(ship, [held(u, 'factory', { version: MAX_EVENTS_PER_SUBJECT - 1 })]))).toHaveLength(1);
    expect(violationOf(() => applyEvent(input(ship, [held(u, 'factory', { version: MAX_EVENTS_PER_SUBJECT })])))).toBe(
      'SUBJECT_EVENT_LIMIT',
    );
  });

  it('only the GTIN owner voids, before the unit moved; recall by owner or regulator', () => {
    const u = unit('A');
    expect(applyEvent(input(event({ bizStep: 'void', subjects: [u] }), [held(u, 'factory')]))[0]?.after.status).toBe('voided');
    expect(
      violationOf(() => applyEvent(input(event({ bizStep: 'void', subjects: [u] }), [held(u, 'factory', { version: 1 })]))),
    ).toBe('VOID_NOT_ALLOWED');
    expect(
      violationOf(() =>
        applyEvent(
          input(event({ bizStep: 'recall', subjects: [u], actorOrgId: 'dist' }), [held(u, 'dist')], { actorRole: 'distributor' }),
        ),
      ),
    ).toBe('RECALL_NOT_ALLOWED');
    expect(
      applyEvent(
        input(event({ bizStep: 'recall', subjects: [u], actorOrgId: 'reg' }), [held(u, 'dist')], { actorRole: 'regulator' }),
      )[0]?.after.status,
    ).toBe('recalled');
  });

  it('refuses events far older than the latest one on a subject, allowing clock skew', () => {
    const u = unit('A');
    const state = held(u, 'factory', { lastEventTime: '2026-02-01T00:10:00.000Z' });
    expect(
      applyEvent(input(event({ bizStep: 'retail_selling', subjects: [u], eventTime: '2026-02-01T00:06:00.000Z' }), [state])),
    ).toHaveLength(1);
    expect(
      violationOf(() =>
        applyEvent(input(event({ bizStep: 'retail_selling', subjects: [u], eventTime: '2026-02-01T00:04:00.000Z' }), [state])),
      ),
    ).toBe('EVENT_OUT_OF_ORDER');
  });
});

describe('event ids and hash chains', () => {
  it('gives the same id to the same event however its lists are ordered, and another id to any change', () => {
    const base = event({ bizStep: 'shipping', subjects: [unit('A'), unit('B')], destinationOrgId: 'd' });
    const { eventId: _omit, ...rest } = base;
    const reordered = { ...rest, subjects: [unit('B'), unit('A')] };
    expect(eventIdOf(rest)).toBe(eventIdOf(reordered));
    expect(eventIdOf(rest)).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(eventIdOf({ ...rest, destinationOrgId: 'e' })).not.toBe(eventIdOf(rest));
    expect(eventIdOf({ ...rest, eventTime: '2026-02-01T00:00:00.001Z' })).not.toBe(eventIdOf(rest));
    expect(canonicalPreHash(rest)).toContain('bizStep=shipping');
  });

  it('verifies a chain and finds the first altered, dropped or reordered link', () => {
    const events = [
      { type: 'ObjectEvent', n: 0 },
      { type: 'ObjectEvent', n: 1 },
      { type: 'ObjectEvent', n: 2 },
    ];
    const chain: ChainEntry[] = [];
    let previous: string | null = null;
    for (const e of events) {
      const eventHash = hashRecordedEvent(e);
      chain.push({ event: e, eventHash, previousEventHash: previous });
      previous = eventHash;
    }
    expect(verifyChain(chain)).toEqual({ valid: true, head: previous });
    const altered = chain.map((entry, i) => (i === 1 ? { ...entry, event: { ...entry.event, n: 9 } } : entry));
    expect(verifyChain(altered)).toMatchObject({ valid: false, brokenAt: 1 });
    expect(verifyChain([chain[0], chain[2]].filter((e): e is ChainEntry => e !== undefined))).toMatchObject({
      valid: false,
      brokenAt: 1,
    });
    expect(verifyChain([...chain].reverse())).toMatchObject({ valid: false, brokenAt: 0 });
  });
});

describe('custody summaries', () => {
  const step = (i: number, name: CustodyStep['step'] = 'packing'): CustodyStep => ({
    step: name,
    by: 'factory',
    at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  });

  it('keeps the first step and the latest few, and counts the rest, however long the history', () => {
    let summary = appendSteps(undefined, [step(0)]);
    for (let i = 1; i < 1000; i++) summary = appendSteps(summary, [step(i, i % 2 === 0 ? 'packing' : 'unpacking')]);
    expect(summary?.recent).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS);
    expect(summary?.first).toEqual(step(0));
    expect(summary?.count).toBe(1000);
    const shown = shownSteps(summary);
    expect(shown.steps).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS + 1);
    expect(shown.omitted).toBe(1000 - CUSTODY_SUMMARY_RECENT_STEPS - 1);
    expect(shown.steps.at(-1)).toEqual(step(999, 'unpacking'));
  });

  it("a container's moves while something sat in it, without its own nesting", () => {
    const pallet = appendSteps(undefined, [step(1, 'packing'), step(2, 'shipping'), step(3, 'receiving'), step(4, 'shipping')]);
    expect(movesSince(pallet, step(2).at).map((s) => s.step)).toEqual(['shipping', 'receiving', 'shipping']);
    expect(movesSince(pallet, step(3).at).map((s) => s.step)).toEqual(['receiving', 'shipping']);
  });

  it('bounds a merged story to the first step and the latest few, in time order', () => {
    const merged = boundSteps({ steps: Array.from({ length: 30 }, (_, i) => step(29 - i)), omitted: 5 });
    expect(merged.steps).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS + 1);
    expect(merged.steps[0]).toEqual(step(0));
    expect(merged.steps.at(-1)).toEqual(step(29));
    expect(merged.omitted).toBe(5 + 30 - CUSTODY_SUMMARY_RECENT_STEPS - 1);
  });
});
