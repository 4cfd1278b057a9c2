/**
 * Spot-check results that cite the lab report of the sample: the report must be one the lab
 * signed for the target's product, and it is compared clause by clause with the product's
 * type test, so a sample worse than what the factory's type test claimed stands out.
 */

import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { verifiedLabClaims } from '#kernel/keys/lab-keys';
import { requireRegisteredOrg } from '#registry';
import { compareReportsFor, getLabReport } from '#test-reports';
import type { LabReportClaims } from '#test-reports/contract';
import { drawProvinceFor, parseLotTarget, type SpotCheckDraw } from '../domain/spot-checks';
import { getDraw } from '../store/spot-check-repository';
import { listResults, type SpotCheckComparison, type SpotCheckResultEntry } from '../store/spot-check-results-repository';

export interface LabReportRef {
  labOrgId: string;
  number: string;
}

/** The product a target is a sample of: a drawn lot's, or the lot whose units were drawn. */
const productOfTarget = (draw: SpotCheckDraw, target: string): string | undefined => {
  if (draw.kind === 'lots') return parseLotTarget(target)?.gtin;
  if (draw.kind === 'units') return draw.scope.gtin;
  return undefined;
};

/**
 * Checks that the lab signed this report for the target's product and compares it with the
 * product's type test (`product:<gtin>` as a, the sample's report as b: `worse` is the
 * sample falling short). No type test attached: nothing to compare, the result still stands.
 */
export const comparisonFor = async (
  principal: Principal,
  draw: SpotCheckDraw,
  target: string,
  ref: LabReportRef,
): Promise<SpotCheckComparison | undefined> => {
  const gtin = productOfTarget(draw, target);
  if (gtin === undefined) {
    throw new BadRequestError('LAB_REPORT_NEEDS_PRODUCT', `${target} is an organization: a lab report is cited per lot or unit`);
  }
  const registration = await getLabReport(ref.labOrgId, ref.number);
  const claims =
    registration === undefined ? undefined : await verifiedLabClaims<LabReportClaims>(registration.jws, ref.labOrgId);
  if (claims === undefined) {
    throw new BadRequestError('LAB_REPORT_NOT_FOUND', `Lab ${ref.labOrgId} has registered no report ${ref.number}`);
  }
  if (!('gtin' in claims.product) || claims.product.gtin !== gtin) {
    throw new BadRequestError('LAB_REPORT_OTHER_PRODUCT', `Report ${ref.number} is not a report of ${gtin}`);
  }
  try {
    const { standard, clauses } = await compareReportsFor(principal, `product:${gtin}`, `lab:${ref.labOrgId}:${ref.number}`);
    return { standard, worse: clauses.filter((c) => c.trend === 'worse').length, clauses };
  } catch (error) {
    if (error instanceof NotFoundError && error.code === 'TEST_REPORT_NOT_FOUND') return undefined;
    throw error;
  }
};

/** What everyone sees of a result: the comparison as counts only; the clauses are for regulators. */
export const publicResult = ({ comparison, ...entry }: SpotCheckResultEntry) => ({
  ...entry,
  ...(comparison === undefined ? {} : { comparison: { standard: comparison.standard, worse: comparison.worse } }),
});

/**
 * The full comparison of a target's latest result, for the drawing regulator and the
 * regulators whose jurisdiction covers the draw's province (a national one: its country's).
 */
export const readComparison = async (principal: Principal, id: string, target: string) => {
  const regulator = await requireRegisteredOrg(principal);
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  if (regulator.role !== 'regulator') throw new ForbiddenError('FORBIDDEN_ROLE', 'Only regulators read comparisons');
  if (draw.regulatorOrgId !== regulator.id) drawProvinceFor(regulator.region, draw.scope.province);
  const latest = (await listResults(id))
    .filter((entry) => entry.target === target)
    .reduce<SpotCheckResultEntry | undefined>(
      (best, entry) => (best === undefined || entry.n > best.n ? entry : best),
      undefined,
    );
  if (latest?.labReport === undefined || latest.comparison === undefined) {
    throw new NotFoundError('COMPARISON_NOT_FOUND', `${target} has no result compared with a lab report in draw ${id}`);
  }
  return {
    drawId: id,
    target,
    n: latest.n,
    result: latest.result,
    labReport: latest.labReport,
    comparison: latest.comparison,
  };
};
