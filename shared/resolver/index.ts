/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export * from './contract';
export { linksetLink, resolve } from './http/resolver-responses';
export { pageLinksFor } from './services/page-links';
export { getProductLinksFor, replaceProductLinks } from './services/product-links-service';
export { testReportForScan } from './services/test-report-scan';
