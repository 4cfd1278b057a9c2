/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export {
  type BatchReads,
  checkSignature,
  checkSignatureDetailed,
  findIssuedLot,
  getProductCached,
  lookupUnit,
} from './services/unit-lookup';
export {
  batchSpotCheckUpdate,
  getBatchById,
  getBatchByLot,
  getBatchWithRecall,
  listBatchesOfOrg,
  markRecallContainersFlagged,
  recallLot,
} from './store/batch-repository';
export { localLinkSignature } from './store/label-file-store';
