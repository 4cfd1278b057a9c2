/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { readAttachRequest } from './http/test-report-request';
export { registerLabReport } from './services/lab-report-service';
export { compareReportsFor } from './services/test-report-compare-service';
export { productCertifications, publicTestReportPdf, testReportPdfFor } from './services/test-report-pdf-service';
export { attachReport, getAttachmentFor } from './services/test-report-service';
export { getLabReport } from './store/lab-report-repository';
export { getAttachment, getScanAttachments } from './store/test-report-repository';
