/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export { inspectorsOf, registerInspector, retireInspector } from './services/inspector-service';
export { readComparison } from './services/spot-check-comparison';
export { recallFromResult, recordResults } from './services/spot-check-results';
export { fixInputs, openDraw, reveal } from './services/spot-check-service';
export { listPublishedDraws, readDraw, readDrawPopulation } from './services/spot-check-views';
