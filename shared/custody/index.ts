/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { epcisQueryResponse } from './http/epcis-query-response';
export { getChainFor } from './services/chain-service';
export { lookupContainer } from './services/container-lookup';
export { issueContainers } from './services/container-service';
export { chooseIndex, queryEpcisEvents } from './services/epcis-query-service';
export { readEventJob } from './services/event-job-queries';
export { recordEvents } from './services/event-job-service';
export { summarize } from './services/event-job-slices';
export { eventJobWorker } from './services/event-job-worker';
export { recallWholeLot } from './services/events/recall-lot';
export type { EventResult } from './services/events/results';
export { listInventoryFor } from './services/inventory-service';
export { partiesOfEvents, partiesOfUris } from './services/party-lookup';
export { eventsByEntryId, eventsInOrder, eventsRecordedBetween, type IndexedEvent } from './store/event-index-query-repository';
export { putEventIndexRows } from './store/event-index-repository';
export { getState } from './store/subject-state-repository';
