/**
 * Custody summaries: a bounded story of a subject (its first step and its latest few),
 * kept on its state item. Pure functions, so the service and the scan agree on them and
 * the unit tests need no database.
 */
import {
  CUSTODY_SUMMARY_RECENT_STEPS,
  type CustodyEvent,
  type CustodyStep,
  type CustodySummary,
  subjectIdOf,
  type Transition,
} from './types';

const byTime = (a: CustodyStep, b: CustodyStep): number => a.at.localeCompare(b.at);

/** The summary after `steps` (already in time order) happened to its subject. */
export const appendSteps = (summary: CustodySummary | undefined, steps: readonly CustodyStep[]): CustodySummary | undefined => {
  const [earliest] = steps;
  if (earliest === undefined) return summary;
  // A stable sort: steps absorbed from a container come before the step that took the
  // subject out of it, even when a device stamped them within the same millisecond.
  const recent = [...(summary?.recent ?? []), ...steps].sort(byTime).slice(-CUSTODY_SUMMARY_RECENT_STEPS);
  return { first: summary?.first ?? earliest, recent, count: (summary?.count ?? 0) + steps.length };
};

export interface ShownSteps {
  steps: CustodyStep[];
  /** Steps that happened but are not listed. */
  omitted: number;
}

/** What a summary shows: the first step, then the latest ones, and how many lie between. */
export const shownSteps = (summary: CustodySummary | undefined): ShownSteps => {
  if (summary === undefined) return { steps: [], omitted: 0 };
  if (summary.count <= summary.recent.length) return { steps: [...summary.recent], omitted: 0 };
  return { steps: [summary.first, ...summary.recent], omitted: summary.count - summary.recent.length - 1 };
};

/**
 * A container's own moves while something sat in it: shipped and received with it. Its
 * packing into or out of a parent is its own nesting, which the caller follows upward.
 */
export const movesSince = (container: CustodySummary | undefined, since: string | undefined): CustodyStep[] =>
  shownSteps(container).steps.filter(
    (step) => step.step !== 'packing' && step.step !== 'unpacking' && (since === undefined || step.at >= since),
  );

/** At most the first step and the latest few of a merged story, so a scan's answer stays small. */
export const boundSteps = (shown: ShownSteps): ShownSteps => {
  const steps = [...shown.steps].sort(byTime);
  const [first] = steps;
  if (first === undefined || steps.length <= CUSTODY_SUMMARY_RECENT_STEPS + 1) return { steps, omitted: shown.omitted };
  const latest = steps.slice(-CUSTODY_SUMMARY_RECENT_STEPS);
  return { steps: [first, ...latest], omitted: shown.omitted + steps.length - latest.length - 1 };
};

/**
 * The custody summaries an event writes: the step joins the summary of each of its
 * subjects (not the container being filled or emptied: that is not one of its moves),
 * and a child taken out of a container keeps the container's moves from its time inside.
 */
export const withEventSummaries = (event: CustodyEvent, transitions: readonly Transition[]): void => {
  const parentId = event.parent === undefined ? undefined : subjectIdOf(event.parent);
  const parentBefore = transitions.find((t) => t.subjectId === parentId)?.before;
  const step: CustodyStep = {
    step: event.bizStep,
    by: event.actorOrgId,
    at: event.eventTime,
    ...(parentId === undefined ? {} : { parentId }),
  };
  for (const transition of transitions) {
    if (!transition.chained || transition.subjectId === parentId) continue;
    const inside = event.bizStep === 'unpacking' ? movesSince(parentBefore?.summary, transition.before.packedAt) : [];
    const summary = appendSteps(transition.before.summary, [...inside, step]);
    if (summary !== undefined) transition.after.summary = summary;
  }
};
