/**
 * Comparisons of test reports, pure: a factory's attached copy against what the lab signed
 * for that number, and any two reports clause by clause with each clause's tolerance.
 */

import type { LabAccreditation } from '#registry/contract';
import { type ClauseResult, clauseOf } from './test-report-clauses';
import type { LabReportClaims } from './test-reports';

/** What a factory says of its report, as compared (the PDF by its hash). */
export interface AttachedClaims {
  number: string;
  labOrgId: string;
  factoryOrgId: string;
  gtin: string;
  standard: string;
  date: string;
  clauses: ClauseResult[];
  pdfSha256: string;
}

export type ReportDifference =
  | { kind: 'lab_unknown'; labOrgId: string }
  | { kind: 'missing_at_lab'; number: string }
  | { kind: 'signature_invalid' }
  | { kind: 'lab_mismatch'; attached: string; registered: string }
  | { kind: 'other_factory'; registeredFactoryOrgId: string }
  | { kind: 'other_product'; registered: string }
  | { kind: 'standard_mismatch'; attached: string; registered: string }
  | { kind: 'date_mismatch'; attached: string; registered: string }
  | { kind: 'clause_altered'; clause: string; attached: ClauseResult; registered: ClauseResult }
  | { kind: 'clause_missing'; clause: string; registered: ClauseResult }
  | { kind: 'clause_added'; clause: string; attached: ClauseResult }
  | { kind: 'pdf_altered'; attached: string; registered: string }
  | { kind: 'accreditation_expired'; date: string; validFrom: string; validUntil: string }
  | { kind: 'not_accredited_for_standard'; standard: string };

export type ReportVerdict = 'verified' | 'unverified' | 'mismatched';

/** What the lab's side holds: its accreditation (if it is a lab) and its registration (if any). */
export interface LabSide {
  accreditation: LabAccreditation | undefined;
  /** undefined: no registration under that number. */
  registration: { claims: LabReportClaims | undefined } | undefined;
}

const sameClause = (a: ClauseResult, b: ClauseResult): boolean =>
  a.result === b.result && a.value === b.value && (a.unit ?? '') === (b.unit ?? '');

const registeredProduct = (claims: LabReportClaims): string =>
  'gtin' in claims.product ? claims.product.gtin : claims.product.description;

/**
 * Every difference between a factory's copy and the lab's side, in a stable order. The
 * lab's claims are the ones its JWS proves (`claims: undefined` when it does not verify).
 */
export const compareWithRegistration = (attached: AttachedClaims, lab: LabSide | undefined): ReportDifference[] => {
  if (lab === undefined) return [{ kind: 'lab_unknown', labOrgId: attached.labOrgId }];
  const differences: ReportDifference[] = [];
  const { accreditation } = lab;
  if (accreditation === undefined || !accreditation.standards.includes(attached.standard)) {
    differences.push({ kind: 'not_accredited_for_standard', standard: attached.standard });
  }
  if (accreditation !== undefined && (attached.date < accreditation.validFrom || attached.date > accreditation.validUntil)) {
    differences.push({
      kind: 'accreditation_expired',
      date: attached.date,
      validFrom: accreditation.validFrom,
      validUntil: accreditation.validUntil,
    });
  }
  if (lab.registration === undefined) return [{ kind: 'missing_at_lab', number: attached.number }, ...differences];
  const claims = lab.registration.claims;
  if (claims === undefined) return [{ kind: 'signature_invalid' }, ...differences];
  if (claims.labOrgId !== attached.labOrgId) {
    differences.push({ kind: 'lab_mismatch', attached: attached.labOrgId, registered: claims.labOrgId });
  }
  if (claims.factoryOrgId !== attached.factoryOrgId) {
    differences.push({ kind: 'other_factory', registeredFactoryOrgId: claims.factoryOrgId });
  }
  if (!('gtin' in claims.product) || claims.product.gtin !== attached.gtin) {
    differences.push({ kind: 'other_product', registered: registeredProduct(claims) });
  }
  if (claims.standard !== attached.standard) {
    differences.push({ kind: 'standard_mismatch', attached: attached.standard, registered: claims.standard });
  }
  if (claims.date !== attached.date)
    differences.push({ kind: 'date_mismatch', attached: attached.date, registered: claims.date });
  const attachedByClause = new Map(attached.clauses.map((c) => [c.clause, c]));
  for (const registered of claims.clauses) {
    const mine = attachedByClause.get(registered.clause);
    if (mine === undefined) differences.push({ kind: 'clause_missing', clause: registered.clause, registered });
    else if (!sameClause(mine, registered)) {
      differences.push({ kind: 'clause_altered', clause: registered.clause, attached: mine, registered });
    }
  }
  const registeredIds = new Set(claims.clauses.map((c) => c.clause));
  for (const mine of attached.clauses) {
    if (!registeredIds.has(mine.clause)) differences.push({ kind: 'clause_added', clause: mine.clause, attached: mine });
  }
  if (claims.pdfSha256 !== attached.pdfSha256) {
    differences.push({ kind: 'pdf_altered', attached: attached.pdfSha256, registered: claims.pdfSha256 });
  }
  return differences;
};

/**
 * A report with no differences is verified. One the lab has not registered (yet), and
 * nothing else wrong, is unverified: labs register after they issue, so this is the normal
 * state between a factory's upload and the lab's registration, not a forgery. Anything
 * else is mismatched.
 */
export const verdictOf = (differences: readonly ReportDifference[]): ReportVerdict => {
  if (differences.length === 0) return 'verified';
  if (differences.every((d) => d.kind === 'missing_at_lab')) return 'unverified';
  return 'mismatched';
};

export type ClauseTrend = 'same' | 'better' | 'worse' | 'only_in_a' | 'only_in_b' | 'not_comparable';

export interface ClauseComparison {
  clause: string;
  trend: ClauseTrend;
  a?: ClauseResult;
  b?: ClauseResult;
  /** Measured clauses: b's value minus a's, in the clause's unit. */
  delta?: number;
  tolerance?: number;
}

/**
 * Two reports under the same standard, clause by clause, from a's point of view: b is
 * better, worse or the same. A pass turning into a fail is worse whatever the values; for
 * measured clauses a difference within the catalogue's tolerance is the same result.
 */
export const compareReports = (standard: string, a: readonly ClauseResult[], b: readonly ClauseResult[]): ClauseComparison[] => {
  const ids = [...new Set([...a.map((c) => c.clause), ...b.map((c) => c.clause)])];
  return ids.map((clause): ClauseComparison => {
    const left = a.find((c) => c.clause === clause);
    const right = b.find((c) => c.clause === clause);
    if (left === undefined) return { clause, trend: 'only_in_b', ...(right === undefined ? {} : { b: right }) };
    if (right === undefined) return { clause, trend: 'only_in_a', a: left };
    const pair = { clause, a: left, b: right };
    if (left.result !== right.result) return { ...pair, trend: right.result === 'pass' ? 'better' : 'worse' };
    const test = clauseOf(standard, clause)?.test;
    if (test === undefined) return { ...pair, trend: 'not_comparable' };
    if (test.kind === 'pass_fail') return { ...pair, trend: 'same' };
    if (left.value === undefined || right.value === undefined) return { ...pair, trend: 'not_comparable' };
    // Rounded to the clause's resolution so floating-point noise never crosses the tolerance.
    const delta = Math.round((right.value - left.value) * 1e6) / 1e6;
    const measured = { ...pair, delta, tolerance: test.tolerance };
    if (Math.abs(delta) <= test.tolerance) return { ...measured, trend: 'same' };
    const improved = test.better === 'lower' ? delta < 0 : delta > 0;
    return { ...measured, trend: improved ? 'better' : 'worse' };
  });
};
