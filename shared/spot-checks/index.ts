/** This capability's public surface: what its functions and scripts call. */
export { computeDrawV1, DRAW_ALGORITHM_V1, type DrawInputsV1 } from './domain/spot-check-draw-v1';
export { checkPopulation, commitmentOf, computeDraw, type DrawInputs, parseSecret, SERVICE_SALT_PATTERN, sha256, targetsAt } from './domain/spot-check-draw';
export { inspectorsOf, registerInspector, retireInspector } from './services/inspector-service';
export { readComparison } from './services/spot-check-comparison';
export { recallFromResult, recordResults } from './services/spot-check-results';
export { fixInputs, openDraw, reveal } from './services/spot-check-service';
export { listPublishedDraws, readDraw, readDrawPopulation } from './services/spot-check-views';
