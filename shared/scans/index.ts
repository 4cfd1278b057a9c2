/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { listAlertsFor } from './services/alert-service';
export { scansFromKinesis } from './services/kinesis-scans';
export { aggregateScans } from './services/scan-aggregator';
export { getScanRulesFor, replaceScanRulesFor } from './services/scan-rules-service';
export { scanSummaryFor } from './services/scan-summary';
export { unblockUnitFor } from './services/unblock-service';
export { getAlert } from './store/alert-repository';
export { getScanFlag } from './store/scan-flag-repository';
