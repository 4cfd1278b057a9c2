/** Reports as factories attach them to a product (type test) or a lot (batch test). */

import type { ClauseResult } from './test-report-clauses';
import type { ReportDifference, ReportVerdict } from './test-report-compare';

export type AttachmentSubject = { kind: 'product'; gtin: string } | { kind: 'batch'; batchId: string; gtin: string; lot: string };

export interface AttachedReport {
  subject: AttachmentSubject;
  factoryOrgId: string;
  number: string;
  labOrgId: string;
  standard: string;
  date: string;
  clauses: ClauseResult[];
  pdfSha256: string;
  pdfBytes: number;
  /** The factory's choice: anyone may fetch the PDF; otherwise participants and regulators only. */
  publicPdf: boolean;
  attachedAt: string;
  /** The comparison with the lab's registration, as of comparedAt. */
  verdict: ReportVerdict;
  differences: ReportDifference[];
  comparedAt: string;
  /** The lab's name and its key clauses, for scans (read with the attachment: one item). */
  labName?: string;
}

/** A stable id per subject: names its PDF and its citation beside the lab's registration. */
export const subjectId = (subject: AttachmentSubject): string =>
  subject.kind === 'product' ? `product-${subject.gtin}` : `batch-${subject.batchId}`;
