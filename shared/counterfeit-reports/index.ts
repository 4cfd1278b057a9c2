/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { acceptsHtml, readReportRequest, reporterAddress, reporterPlace } from './http/report-request';
export { listReportsFor, submitReport } from './services/report-service';
export { reportPhotoLink } from './store/report-photo-store';
export { getReport, reportStatusWrites } from './store/report-repository';
