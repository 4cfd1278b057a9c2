/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { changeInboxStatus, getInboxHistory } from './inbox-repository';
export { addProvincesInInbox, fileInInbox, type InboxEntry, listInboxFor, visibleEntry } from './inbox-service';
