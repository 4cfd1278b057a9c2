import { createHash } from 'node:crypto';
import { fileInInbox } from '#inbox';
import { getBatchById } from '#issuance';
import type { Principal } from '#kernel/auth/principal';
import { requireRole } from '#kernel/auth/principal';
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#kernel/errors';
import { verifiedLabClaims } from '#kernel/keys/lab-keys';
import { provinceOf } from '#kernel/places/provinces';
import { getOrganization, getProductRecord, type Organization, requireRegisteredOrg } from '#registry';
import { type AttachedReport, type AttachmentSubject, subjectId } from '../domain/test-report-attachments';
import { type ClauseResult, clauseProblems } from '../domain/test-report-clauses';
import {
  type AttachedClaims,
  compareWithRegistration,
  type LabSide,
  type ReportDifference,
  verdictOf,
} from '../domain/test-report-compare';
import { checkPdf, MAX_TEST_REPORT_PDF_BYTES } from '../domain/test-report-pdf';
import type { LabReportClaims } from '../domain/test-reports';
import { getLabReport } from '../store/lab-report-repository';
import { putTestReportPdf, testReportPdfKey } from '../store/test-report-pdf-store';
import { getAttachment, listCitations, putAttachment, updateComparison } from '../store/test-report-repository';

export type SubjectRef = { kind: 'product'; gtin: string } | { kind: 'batch'; batchId: string };

export interface AttachReportInput {
  number: string;
  labOrgId: string;
  standard: string;
  date: string;
  clauses: ClauseResult[];
  publicPdf?: boolean;
}

/** The subject as stored, with its owner; a missing one is 404. */
export const resolveSubject = async (ref: SubjectRef): Promise<{ subject: AttachmentSubject; ownerOrgId: string }> => {
  if (ref.kind === 'product') {
    const record = await getProductRecord(ref.gtin);
    if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${ref.gtin} is not registered`);
    return { subject: ref, ownerOrgId: record.product.ownerOrgId };
  }
  const batch = await getBatchById(ref.batchId);
  if (batch === undefined) throw new NotFoundError('BATCH_NOT_FOUND', `Batch ${ref.batchId} does not exist`);
  return { subject: { kind: 'batch', batchId: batch.id, gtin: batch.gtin, lot: batch.lot }, ownerOrgId: batch.ownerOrgId };
};

/** What the lab's side holds for a number: its accreditation, and the claims its JWS proves. */
const labSide = async (labOrgId: string, number: string): Promise<{ side: LabSide | undefined; lab?: Organization }> => {
  const lab = await getOrganization(labOrgId);
  if (lab?.role !== 'lab') return { side: undefined };
  const registration = await getLabReport(labOrgId, number);
  if (registration === undefined) return { side: { accreditation: lab.accreditation, registration: undefined }, lab };
  const claims = await verifiedLabClaims<LabReportClaims>(registration.jws, labOrgId);
  return { side: { accreditation: lab.accreditation, registration: { claims } }, lab };
};

const claimsOfAttachment = (
  report: Pick<AttachedReport, 'subject' | 'factoryOrgId'> & AttachReportInput & { pdfSha256: string },
) =>
  ({
    number: report.number,
    labOrgId: report.labOrgId,
    factoryOrgId: report.factoryOrgId,
    gtin: report.subject.gtin,
    standard: report.standard,
    date: report.date,
    clauses: report.clauses,
    pdfSha256: report.pdfSha256,
  }) satisfies AttachedClaims;

/**
 * A mismatch goes to the regulators of the factory's province (and names the factory):
 * one entry per subject, citation and set of differences, so filing again changes nothing.
 */
const fileMismatch = async (report: AttachedReport, differences: readonly ReportDifference[]): Promise<void> => {
  const factory = await getOrganization(report.factoryOrgId);
  const digest = createHash('sha256')
    .update(JSON.stringify([report.labOrgId, report.number, report.pdfSha256, differences.map((d) => d.kind)]))
    .digest('hex')
    .slice(0, 16);
  await fileInInbox({
    kind: 'test_report',
    id: `tr.${subjectId(report.subject)}.${digest}`,
    createdAt: report.comparedAt,
    provinces: factory === undefined ? [] : [provinceOf(factory.region)],
    factoryOrgId: report.factoryOrgId,
    gtin: report.subject.gtin,
    title:
      `Test report ${report.number} differs from the lab's registration: ${[...new Set(differences.map((d) => d.kind))].join(', ')}`.slice(
        0,
        200,
      ),
  });
};

const assertPdf = (pdf: Buffer | undefined): Buffer => {
  if (pdf === undefined || pdf.length === 0)
    throw new BadRequestError('PDF_REQUIRED', 'Attach the report as a PDF file (field `pdf`)');
  if (pdf.length > MAX_TEST_REPORT_PDF_BYTES) throw new PayloadTooLargeError(MAX_TEST_REPORT_PDF_BYTES);
  const check = checkPdf(pdf);
  if (!check.ok && check.reason === 'truncated') {
    throw new BadRequestError('TRUNCATED_PDF', 'The PDF is cut off: it does not end with %%EOF');
  }
  if (!check.ok) throw new UnsupportedMediaTypeError('The report must be a PDF file');
  return pdf;
};

/**
 * A factory attaches a report to its product or lot. Everything is checked before anything
 * is stored (the PDF first, then the attachment), so a bad upload stores nothing; the copy is
 * compared with the lab's signed registration at once, and a mismatch is filed.
 */
export const attachReport = async (
  principal: Principal,
  ref: SubjectRef,
  input: AttachReportInput,
  pdfBytes: Buffer | undefined,
  now = new Date(),
): Promise<AttachedReport> => {
  requireRole(principal, ['factory']);
  await requireRegisteredOrg(principal);
  const { subject, ownerOrgId } = await resolveSubject(ref);
  if (ownerOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_YOUR_PRODUCT', 'You can only attach reports to your own products and lots');
  }
  const problems = clauseProblems(input.standard, input.clauses);
  if (problems.length > 0) throw new ValidationError('The clause results do not fit the standard', { problems });
  if (input.date > now.toISOString().slice(0, 10)) throw new ValidationError('date must not be in the future');
  const pdf = assertPdf(pdfBytes);
  const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
  const { publicPdf, ...fields } = input;
  const base = { subject, factoryOrgId: principal.orgId, ...fields, pdfSha256 };
  const { side, lab } = await labSide(input.labOrgId, input.number);
  const differences = compareWithRegistration(claimsOfAttachment(base), side);
  const report: AttachedReport = {
    ...base,
    pdfBytes: pdf.length,
    publicPdf: publicPdf === true,
    attachedAt: now.toISOString(),
    verdict: verdictOf(differences),
    differences,
    comparedAt: now.toISOString(),
    ...(lab === undefined ? {} : { labName: lab.name }),
  };
  await putTestReportPdf(testReportPdfKey(subjectId(subject), pdfSha256), pdf);
  await putAttachment(report);
  if (report.verdict === 'mismatched') await fileMismatch(report, differences);
  return report;
};

/**
 * After a lab registers a number, the attachments already citing it are compared again:
 * the factory's upload came first, the lab's confirmation (or contradiction) now.
 */
export const recompareCitations = async (labOrgId: string, number: string, now = new Date()): Promise<void> => {
  const subjects = await listCitations(labOrgId, number);
  if (subjects.length === 0) return;
  const { side } = await labSide(labOrgId, number);
  for (const subject of subjects) {
    const report = await getAttachment(subject);
    if (report === undefined || report.labOrgId !== labOrgId || report.number !== number) continue;
    const differences = compareWithRegistration(claimsOfAttachment(report), side);
    const comparison = { verdict: verdictOf(differences), differences, comparedAt: now.toISOString() };
    if (!(await updateComparison(subject, { labOrgId, number }, comparison))) continue;
    if (comparison.verdict === 'mismatched') await fileMismatch({ ...report, ...comparison }, differences);
  }
};

/** The owner factory and regulators read an attachment; a lab reads the ones citing it. */
export const getAttachmentFor = async (principal: Principal, ref: SubjectRef): Promise<AttachedReport> => {
  const org = await requireRegisteredOrg(principal);
  const { subject, ownerOrgId } = await resolveSubject(ref);
  const report = await getAttachment(subject);
  const allowed =
    org.role === 'regulator' ||
    (org.role === 'factory' && org.id === ownerOrgId) ||
    (org.role === 'lab' && report?.labOrgId === org.id);
  if (report === undefined || !allowed) throw new NotFoundError('TEST_REPORT_NOT_FOUND', 'No test report is attached here');
  return report;
};
