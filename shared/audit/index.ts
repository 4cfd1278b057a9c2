/** This capability's public surface: what its functions and scripts call. */
export { eventLeafHash } from './domain/audit-log';
export { EXPORT_FORMATS, type ExportFormat } from './domain/export-formats';
export { readExportRecords, readLines } from './domain/export-readers';
export { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } from './services/checkpoint-service';
export { createExport, readExport } from './services/export-jobs';
export { type WitnessedHeadInput } from './services/export-verify-log';
export { type KeptHead, verifyExport } from './services/export-verify';
export { exportJobWorker, runExportJob } from './services/export-worker';
export { latestCheckpoint, listCheckpoints, listWitnessedHeads, proveConsistency, proveInclusion, publicHead } from './services/proof-service';
export { checkLocalExportToken, EXPORT_FILE_KINDS, type ExportFileKind, exportFileName, LOCAL_EXPORT_LINK_PATH, localExportPath } from './store/export-file-store';
export { getExportJob } from './store/export-job-repository';
export { importLeaves } from './store/merkle-log-import';
