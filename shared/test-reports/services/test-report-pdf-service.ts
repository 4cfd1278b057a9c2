import type { Principal } from '#kernel/auth/principal';
import { ForbiddenError, NotFoundError } from '#kernel/errors';
import { getProductRecord, type LaCertificate, requireRegisteredOrg } from '#registry';
import { type AttachedReport, subjectId } from '../domain/test-report-attachments';
import { type TestReportSummary, testReportSummary } from '../domain/test-report-scan';
import { getTestReportPdf, testReportPdfKey } from '../store/test-report-pdf-store';
import { getAttachment } from '../store/test-report-repository';
import { resolveSubject, type SubjectRef } from './test-report-service';

const noReport = () => new NotFoundError('TEST_REPORT_NOT_FOUND', 'No test report is attached here');

const pdfOf = async (report: AttachedReport): Promise<Buffer> => {
  const pdf = await getTestReportPdf(testReportPdfKey(subjectId(report.subject), report.pdfSha256));
  if (pdf === undefined) throw noReport();
  return pdf;
};

/**
 * The PDF is for participants and regulators: any registered factory or distributor (they
 * buy and sell the product), any regulator, and the lab the report cites.
 */
export const testReportPdfFor = async (principal: Principal, ref: SubjectRef): Promise<Buffer> => {
  const org = await requireRegisteredOrg(principal);
  const { subject } = await resolveSubject(ref);
  const report = await getAttachment(subject);
  if (report === undefined) throw noReport();
  if (org.role === 'admin') throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Test report PDFs are for participants and regulators');
  if (org.role === 'lab' && report.labOrgId !== org.id) throw noReport();
  return pdfOf(report);
};

/** Public only where the factory chose so; otherwise answered like a missing report. */
export const publicTestReportPdf = async (gtin: string): Promise<Buffer> => {
  const report = await getAttachment({ kind: 'product', gtin });
  if (report?.publicPdf !== true) throw noReport();
  return pdfOf(report);
};

export interface ProductCertifications {
  gtin: string;
  standard: string;
  laCertificate: LaCertificate;
  typeTest: TestReportSummary;
}

/** Public: the product's LA certificate and the summary of its type test (what scans show). */
export const productCertifications = async (gtin: string): Promise<ProductCertifications> => {
  const record = await getProductRecord(gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${gtin} is not registered`);
  const { product } = record;
  const report = await getAttachment({ kind: 'product', gtin });
  return {
    gtin,
    standard: product.standard,
    laCertificate: product.laCertificate,
    typeTest: testReportSummary(product.standard, { batch: undefined, product: report }),
  };
};
