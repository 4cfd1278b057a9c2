/**
 * Spot-check results, append-only: one result per drawn target, and corrections as new
 * entries that name the entry they correct (which must be the target's latest), so the
 * record shows every change and who made it. A failed lot is marked on its batch (scans
 * show it) and can be recalled from its result.
 */

import type { EventResult } from '#custody';
import { recallWholeLot } from '#custody';
import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { requireRegisteredOrg } from '#registry';
import { parseLotTarget, type SpotCheckDraw } from '../domain/spot-checks';
import { getDraw } from '../store/spot-check-repository';
import { appendResults, listResults, type SpotCheckResultEntry } from '../store/spot-check-results-repository';
import { comparisonFor, type LabReportRef, publicResult } from './spot-check-comparison';

export interface ResultInput {
  target: string;
  result: 'pass' | 'fail';
  testReportRef: string;
  /** The lab report of the sample: checked against the lab's registration and compared with the type test. */
  labReport?: LabReportRef;
  note?: string;
  /** The entry number (`n`) this one corrects: the target's latest. */
  corrects?: number;
}

const drawnDrawOf = async (principal: Principal, id: string): Promise<SpotCheckDraw> => {
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  if (draw.regulatorOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_YOUR_DRAW', 'Only the regulator that made a draw records its results');
  }
  if (draw.status !== 'drawn') throw new ConflictError('NOT_DRAWN', `Draw ${id} has no targets yet`);
  return draw;
};

/** The latest entry of each target. */
const latestByTarget = (entries: readonly SpotCheckResultEntry[]): Map<string, SpotCheckResultEntry> => {
  const latest = new Map<string, SpotCheckResultEntry>();
  for (const entry of entries) {
    const known = latest.get(entry.target);
    if (known === undefined || entry.n > known.n) latest.set(entry.target, entry);
  }
  return latest;
};

/** Each input names a target of the draw, once. */
const requireDrawnTargets = (draw: SpotCheckDraw, id: string, inputs: readonly ResultInput[]): void => {
  const targets = new Set(draw.targets ?? []);
  const seen = new Set<string>();
  for (const input of inputs) {
    if (!targets.has(input.target)) throw new BadRequestError('NOT_A_TARGET', `${input.target} was not drawn in draw ${id}`);
    if (seen.has(input.target)) throw new BadRequestError('DUPLICATE_TARGET', `${input.target} appears twice in this call`);
    seen.add(input.target);
  }
};

/** A first result needs no previous one; a correction names the target's latest entry, and only that. */
const requireInSequence = (input: ResultInput, previous: SpotCheckResultEntry | undefined): void => {
  if (input.corrects === undefined && previous !== undefined) {
    throw new ConflictError(
      'RESULT_ALREADY_RECORDED',
      `${input.target} already has a result (entry ${previous.n}): a change is a correction that names it`,
    );
  }
  if (input.corrects !== undefined && previous === undefined) {
    throw new BadRequestError('NOTHING_TO_CORRECT', `${input.target} has no result to correct`);
  }
  if (input.corrects !== undefined && input.corrects !== previous?.n) {
    throw new ConflictError('STALE_CORRECTION', `The latest entry of ${input.target} is ${previous?.n}, not ${input.corrects}`);
  }
};

/**
 * A failed lot is marked on its batch; a correction rewrites the mark, so a lot wrongly
 * failed stops showing it.
 */
const lotMarksOf = (draw: SpotCheckDraw, id: string, entries: readonly SpotCheckResultEntry[], recordedAt: string) =>
  draw.kind !== 'lots'
    ? []
    : entries.flatMap((entry) => {
        const lot = parseLotTarget(entry.target);
        if (lot === undefined || (entry.result !== 'fail' && entry.n === 0)) return [];
        return [
          {
            ...lot,
            mark: {
              result: entry.result,
              drawId: id,
              at: recordedAt,
              testReportRef: entry.labReport?.number ?? entry.testReportRef,
            },
          },
        ];
      });

export const recordResults = async (principal: Principal, id: string, inputs: readonly ResultInput[], now = new Date()) => {
  await requireRegisteredOrg(principal);
  const draw = await drawnDrawOf(principal, id);
  requireDrawnTargets(draw, id, inputs);
  const latest = latestByTarget(await listResults(id));
  // Checked before anything is written, so a bad reference leaves no entry and no mark.
  const comparisons = await Promise.all(
    inputs.map((input) =>
      input.labReport === undefined ? undefined : comparisonFor(principal, draw, input.target, input.labReport),
    ),
  );
  const recordedAt = now.toISOString();
  const entries = inputs.map((input, index): SpotCheckResultEntry => {
    const previous = latest.get(input.target);
    requireInSequence(input, previous);
    const comparison = comparisons[index];
    return {
      drawId: id,
      target: input.target,
      n: previous === undefined ? 0 : previous.n + 1,
      result: input.result,
      testReportRef: input.testReportRef,
      ...(input.labReport === undefined
        ? {}
        : { labReport: { labOrgId: input.labReport.labOrgId, number: input.labReport.number } }),
      ...(comparison === undefined ? {} : { comparison }),
      ...(input.note === undefined ? {} : { note: input.note }),
      recordedAt,
      recordedBy: principal.orgId,
    };
  });
  await appendResults(entries, lotMarksOf(draw, id, entries, recordedAt));
  return entries.map(publicResult);
};

/**
 * Recalls a lot whose latest result failed, through the whole-lot recall as the drawing
 * regulator. The event time is the failing entry's, so a retried call is the same event.
 */
export const recallFromResult = async (principal: Principal, id: string, target: string): Promise<EventResult> => {
  const regulator = await requireRegisteredOrg(principal);
  const draw = await drawnDrawOf(principal, id);
  const lot = draw.kind === 'lots' ? parseLotTarget(target) : undefined;
  if (lot === undefined || !(draw.targets ?? []).includes(target)) {
    throw new BadRequestError('NOT_A_LOT_TARGET', `${target} is not a lot drawn in draw ${id}`);
  }
  const latest = latestByTarget(await listResults(id)).get(target);
  if (latest?.result !== 'fail') throw new ConflictError('RESULT_NOT_FAILED', `${target} has no failed result to recall on`);
  return recallWholeLot(
    {
      bizStep: 'recall',
      eventTime: latest.recordedAt,
      eventTimeZoneOffset: '+00:00',
      reason: `Spot check ${id}: failed (test report ${latest.labReport?.number ?? latest.testReportRef})`,
    },
    lot,
    regulator,
    new Date(),
  );
};
