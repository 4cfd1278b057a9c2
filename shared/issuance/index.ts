/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { getBatchWithProgressFor, LABEL_LINK_TTL_SECONDS } from './services/batch-progress';
export { issueBatch, listBatchCodesFor, listBatchesFor } from './services/batch-service';
export { issuanceJobWorker } from './services/issuance-job-worker';
export { requirePrintable, writeContainerLabels } from './services/label-file-writer';
export { getProductWithLotsFor, listProductsWithLotsFor, type ProductWithLots } from './services/product-lots';
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
