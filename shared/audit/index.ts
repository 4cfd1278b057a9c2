/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export { appendAndCheckpoint, recordedEventSource } from './services/checkpoint-service';
export { createExport, readExport } from './services/export-jobs';
export { exportJobWorker } from './services/export-worker';
export {
  latestCheckpoint,
  listCheckpoints,
  listWitnessedHeads,
  proveConsistency,
  proveInclusion,
  publicHead,
} from './services/proof-service';
