import { describe, expect, it } from 'vitest';
import { appendSteps, boundSteps, movesSince, shownSteps, withEventSummaries } from '#shared/custody/domain/summary';
import { CUSTODY_SUMMARY_RECENT_STEPS, type CustodyStep, subjectIdOf, type Transition } from '#shared/custody/domain/types';
import { caseRef, event, held, unit } from '../support/custody-states';

const step = (i: number, name: CustodyStep['step'] = 'packing'): CustodyStep => ({
  step: name,
  by: 'factory',
  at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
});

describe('custody summaries', () => {
  let long = appendSteps(undefined, [step(0)]);
  for (let i = 1; i < 1000; i++) long = appendSteps(long, [step(i, i % 2 === 0 ? 'packing' : 'unpacking')]);

  it('keep only the latest few steps however long the history', () => {
    expect(long?.recent).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS);
    expect(long?.recent.at(-1)).toEqual(step(999, 'unpacking'));
  });

  it('keep the first step', () => {
    expect(long?.first).toEqual(step(0));
  });

  it('count every step', () => {
    expect(long?.count).toBe(1000);
  });

  it('show the first step and the latest few, and how many lie between', () => {
    const shown = shownSteps(long);
    expect(shown.steps).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS + 1);
    expect(shown.steps[0]).toEqual(step(0));
    expect(shown.omitted).toBe(1000 - CUSTODY_SUMMARY_RECENT_STEPS - 1);
  });

  it("give a container's moves since something went in, without its own nesting", () => {
    const pallet = appendSteps(undefined, [step(1, 'packing'), step(2, 'shipping'), step(3, 'receiving'), step(4, 'shipping')]);
    expect(movesSince(pallet, step(2).at).map((s) => s.step)).toEqual(['shipping', 'receiving', 'shipping']);
    expect(movesSince(pallet, step(3).at).map((s) => s.step)).toEqual(['receiving', 'shipping']);
  });

  it('bound a merged story to the first step and the latest few, in time order', () => {
    const merged = boundSteps({ steps: Array.from({ length: 30 }, (_, i) => step(29 - i)), omitted: 5 });
    expect(merged.steps).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS + 1);
    expect(merged.steps[0]).toEqual(step(0));
    expect(merged.steps.at(-1)).toEqual(step(29));
    expect(merged.omitted).toBe(5 + 30 - CUSTODY_SUMMARY_RECENT_STEPS - 1);
  });
});

describe('the summaries an event writes', () => {
  const transition = (state = held(unit('A'), 'factory'), chained = true): Transition => ({
    subjectId: state.subjectId,
    before: state,
    after: { ...state },
    chained,
  });

  it("add the event's step to each subject", () => {
    const t = transition();
    withEventSummaries(event({ bizStep: 'shipping', subjects: [unit('A')], eventTime: step(5).at }), [t]);
    expect(t.after.summary?.recent).toEqual([{ step: 'shipping', by: 'factory', at: step(5).at }]);
  });

  it('leave state-only changes (flags) alone', () => {
    const t = transition(held(unit('A'), 'factory'), false);
    withEventSummaries(event({ bizStep: 'recall', subjects: [unit('A')] }), [t]);
    expect(t.after.summary).toBeUndefined();
  });

  it('leave the container being packed alone: filling it is not one of its moves', () => {
    const parent = transition(held(caseRef, 'factory'));
    withEventSummaries(event({ bizStep: 'packing', parent: caseRef, subjects: [unit('A')] }), [parent, transition()]);
    expect(parent.after.summary).toBeUndefined();
  });

  it("give an unpacked child the container's moves from its time inside", () => {
    const box = held(caseRef, 'factory', { summary: appendSteps(undefined, [step(1, 'shipping'), step(3, 'receiving')]) });
    const child = transition(held(unit('A'), 'dist', { parentId: subjectIdOf(caseRef), packedAt: step(2).at }));
    withEventSummaries(event({ bizStep: 'unpacking', parent: caseRef, subjects: [unit('A')], eventTime: step(4).at }), [
      transition(box),
      child,
    ]);
    expect(child.after.summary?.recent.map((s) => s.step)).toEqual(['receiving', 'unpacking']);
  });
});
