import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, NotFoundError } from '#kernel/errors';
import { verifiedLabClaims } from '#kernel/keys/lab-keys';
import { requireRegisteredOrg } from '#registry';
import type { ClauseResult } from '../domain/test-report-clauses';
import { type ClauseComparison, compareReports } from '../domain/test-report-compare';
import type { LabReportClaims } from '../domain/test-reports';
import { getLabReport } from '../store/lab-report-repository';
import { getAttachmentFor } from './test-report-service';

/** `product:<gtin>`, `batch:<id>` or `lab:<lab org id>:<number>` (the query schema checks the shape). */
const readReport = async (principal: Principal, reference: string): Promise<{ standard: string; clauses: ClauseResult[] }> => {
  const [kind, first = '', ...rest] = reference.split(':');
  if (kind === 'product') return getAttachmentFor(principal, { kind: 'product', gtin: first });
  if (kind === 'batch') return getAttachmentFor(principal, { kind: 'batch', batchId: first });
  const org = await requireRegisteredOrg(principal);
  const number = rest.join(':');
  const registration = await getLabReport(first, number);
  const allowed =
    registration !== undefined &&
    (org.role === 'regulator' || org.id === registration.labOrgId || org.id === registration.factoryOrgId);
  if (!allowed) throw new NotFoundError('TEST_REPORT_NOT_FOUND', `No report ${number} of lab ${first} you may read`);
  // Only what the lab's signature proves is compared.
  const claims = await verifiedLabClaims<LabReportClaims>(registration.jws, first);
  if (claims === undefined) throw new NotFoundError('TEST_REPORT_NOT_FOUND', `Report ${number} has no valid signature`);
  return claims;
};

/** Two reports of one standard, clause by clause: what is the same, better or worse in b than in a. */
export const compareReportsFor = async (
  principal: Principal,
  a: string,
  b: string,
): Promise<{ standard: string; clauses: ClauseComparison[] }> => {
  const [left, right] = await Promise.all([readReport(principal, a), readReport(principal, b)]);
  if (left.standard !== right.standard) {
    throw new BadRequestError('STANDARDS_DIFFER', `a is a ${left.standard} report, b a ${right.standard} one`);
  }
  return { standard: left.standard, clauses: compareReports(left.standard, left.clauses, right.clauses) };
};
