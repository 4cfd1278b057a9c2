/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { lookupContainer } from './services/container-lookup';
export { chooseIndex } from './services/epcis-query-service';
export { recallWholeLot } from './services/events/recall-lot';
export type { EventResult } from './services/events/results';
export { partiesOfEvents, partiesOfUris } from './services/party-lookup';
export { eventsByEntryId, eventsInOrder, eventsRecordedBetween, type IndexedEvent } from './store/event-index-query-repository';
export { putEventIndexRows } from './store/event-index-repository';
export { getState } from './store/subject-state-repository';
