/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */
export type { AttachedReport } from './domain/test-report-attachments';
export type { ClauseComparison } from './domain/test-report-compare';
export { type TestReportSummary, testReportSummary } from './domain/test-report-scan';
export type { LabReportClaims } from './domain/test-reports';
export { RegisterLabReportBody, ReportComparison, ScanTestReport } from './http/schemas';
