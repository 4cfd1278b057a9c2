/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { compareReportsFor } from './services/test-report-compare-service';
export { getLabReport } from './store/lab-report-repository';
export { getAttachment, getScanAttachments } from './store/test-report-repository';
