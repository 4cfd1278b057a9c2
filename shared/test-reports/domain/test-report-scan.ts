/**
 * What a scan says of a unit's test report: the lot's batch test if it has one, else the
 * product's type test, and only if it is a report under the product's own standard (a
 * report for another standard does not make the lot tested).
 */
import type { AttachedReport } from './test-report-attachments';
import { clauseOf } from './test-report-clauses';

export type ScanReportVerdict = 'verified' | 'unverified' | 'mismatched' | 'missing';

export interface ScanKeyClause {
  clause: string;
  title: { 'zh-CN': string; en: string };
  result: 'pass' | 'fail';
  value?: number;
  unit?: string;
}

export interface TestReportSummary {
  verdict: ScanReportVerdict;
  /** batch: the lot's own test; product: the type test of the design. */
  scope?: 'batch' | 'product';
  number?: string;
  lab?: string;
  date?: string;
  keyClauses: ScanKeyClause[];
  /** Who may fetch the PDF: anyone (the factory chose so), or participants and regulators. */
  pdf?: 'public' | 'participants';
}

export const testReportSummary = (
  productStandard: string,
  reports: { batch: AttachedReport | undefined; product: AttachedReport | undefined },
): TestReportSummary => {
  const candidates: ['batch' | 'product', AttachedReport | undefined][] = [
    ['batch', reports.batch],
    ['product', reports.product],
  ];
  const found = candidates.find(([, report]) => report !== undefined && report.standard === productStandard);
  const report = found?.[1];
  if (found === undefined || report === undefined) return { verdict: 'missing', keyClauses: [] };
  const keyClauses = report.clauses.flatMap((result): ScanKeyClause[] => {
    const definition = clauseOf(report.standard, result.clause);
    if (definition?.key !== true) return [];
    const unit = definition.test.kind === 'measured' ? definition.test.unit : undefined;
    return [
      {
        clause: result.clause,
        title: definition.title,
        result: result.result,
        ...(result.value === undefined ? {} : { value: result.value }),
        ...(unit === undefined ? {} : { unit }),
      },
    ];
  });
  return {
    verdict: report.verdict,
    scope: found[0],
    number: report.number,
    ...(report.labName === undefined ? {} : { lab: report.labName }),
    date: report.date,
    keyClauses,
    pdf: report.publicPdf ? 'public' : 'participants',
  };
};
