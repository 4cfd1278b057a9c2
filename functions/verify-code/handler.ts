import { createRouter } from '#kernel/http/router';
import { answerContainer, answerProduct, answerUnit, answerUnmatched, createLeanHandler, VERIFY_ROUTES } from '#verification';

/**
 * One function for every Digital Link path, GET and HEAD. Checked by VERIFY_ROUTES' own
 * parsers, not the route table's zod schemas: this bundle answers every scan the CDN has
 * not cached, and zod was half its size and most of its cold start.
 */
const R = VERIFY_ROUTES;
export const handler = createRouter([
  [R.verifyCode, createLeanHandler(R.verifyCode, answerUnit)],
  [R.verifyContainer, createLeanHandler(R.verifyContainer, answerContainer)],
  [R.resolveProduct, createLeanHandler(R.resolveProduct, answerProduct)],
  [R.resolveLot, createLeanHandler(R.resolveLot, answerProduct)],
  [R.resolveUnitPath, createLeanHandler(R.resolveUnitPath, answerUnmatched)],
  [R.resolveContainerPath, createLeanHandler(R.resolveContainerPath, answerUnmatched)],
]);
