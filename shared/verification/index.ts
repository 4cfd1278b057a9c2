/** This capability's public surface: what its functions and scripts call. */
export { createLeanHandler } from './http/lean-handler';
export { renderReportFailure, renderReportReceipt, reportPageLanguage } from './http/report-page';
export { answerContainer, answerProduct, answerUnit, answerUnmatched } from './http/verify-handler-parts';
export { VERIFY_ROUTES } from './http/verify-routes';
export { verifyScannedCode } from './services/verify-service';
