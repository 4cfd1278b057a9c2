/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { getAlert } from './store/alert-repository';
export { getScanFlag } from './store/scan-flag-repository';
