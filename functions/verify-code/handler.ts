import { parseCodeParts, parseContainerCode } from '#shared/codes/digital-link';
import { createHandler } from '#shared/http/create-handler';
import { json, text } from '#shared/http/responses';
import { createRouter } from '#shared/http/router';
import { ROUTES } from '#shared/http/routes';
import { prefersHtml, renderContainerPage, renderVerificationPage } from '#shared/http/verification-page';
import { verifyContainerCode, verifyScannedCode } from '#shared/services/verify-service';

/**
 * CloudFront caches verdicts by path + AI 8030 (+ the normalized Accept). A signature
 * that does not match a known key never becomes good, so that `invalid` is cached for a
 * day, which also absorbs floods of forged scans. Every other verdict can change (recall,
 * end of life, a key id published by a rotation seconds ago), so a minute. Malformed
 * requests are errors and are not cached at all (the error handler's no-store).
 */
const CACHE_CONTROL = {
  invalid: 'public, max-age=300, s-maxage=86400',
  other: 'public, max-age=60, s-maxage=60, stale-while-revalidate=30',
};

/** JSON for apps, the page for browsers; the cache lifetime follows the verdict. */
const respond = <R extends { invalidReason?: string }>(accept: string | undefined, result: R, render: (result: R) => string) => {
  const options = {
    cacheControl: result.invalidReason === 'signature_mismatch' ? CACHE_CONTROL.invalid : CACHE_CONTROL.other,
    headers: { vary: 'Accept' },
  };
  if (!prefersHtml(accept)) return json(200, result, options);
  return text(200, render(result), 'text/html; charset=utf-8', {
    ...options,
    headers: { ...options.headers, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
  });
};

const verifyUnit = createHandler(ROUTES.verifyCode, async ({ event, params, query }) => {
  const code = parseCodeParts({ ...params, digsig: query['8030'] });
  return respond(event.headers.accept, await verifyScannedCode(code), renderVerificationPage);
});

const verifyContainer = createHandler(ROUTES.verifyContainer, async ({ event, params, query }) => {
  const code = parseContainerCode({ sscc: params.sscc, digsig: query['8030'] });
  return respond(event.headers.accept, await verifyContainerCode(code), renderContainerPage);
});

/** One function for both label kinds, GET and HEAD. */
export const handler = createRouter([
  [ROUTES.verifyCode, verifyUnit],
  [ROUTES.verifyContainer, verifyContainer],
]);
