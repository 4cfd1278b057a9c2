/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { testReportForScan } from './services/test-report-scan';
