/** This capability's public surface: its contract (contract.ts) and the services other capabilities call. */
export { createLeanHandler } from './http/lean-handler';
export { renderReportFailure, renderReportReceipt, reportPageLanguage } from './http/report-page';
export { answerContainer, answerProduct, answerUnit, answerUnmatched } from './http/verify-handler-parts';
export { VERIFY_ROUTES } from './http/verify-routes';
export { verdictOfLabel } from './services/verify-service';
