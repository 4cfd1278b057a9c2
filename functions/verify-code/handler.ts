import { parseCodeParts } from '../../shared/codes/digital-link';
import { ROUTES } from '../../shared/http/routes';
import { createHandler } from '../../shared/http/create-handler';
import { json, text } from '../../shared/http/responses';
import { prefersHtml, renderVerificationPage } from '../../shared/http/verification-page';
import { verifyScannedCode } from '../../shared/services/verify-service';

/**
 * CloudFront caches verdicts by path + AI 8030 (+ the normalized Accept). A bad signature
 * never becomes good, so `invalid` is cached for a day, which also absorbs floods of
 * forged scans; every other verdict can change (recall, end of life), so a minute.
 * Malformed requests are errors and are not cached at all (the error handler's no-store).
 */
const CACHE_CONTROL = {
  invalid: 'public, max-age=300, s-maxage=86400',
  other: 'public, max-age=60, s-maxage=60, stale-while-revalidate=30',
};

export const handler = createHandler(ROUTES.verifyCode, async ({ event, params, query }) => {
  const code = parseCodeParts({ ...params, digsig: query['8030'] });
  const result = await verifyScannedCode(code);
  const options = {
    cacheControl: result.status === 'invalid' ? CACHE_CONTROL.invalid : CACHE_CONTROL.other,
    headers: { vary: 'Accept' },
  };
  if (prefersHtml(event.headers.accept)) {
    return text(200, renderVerificationPage(result), 'text/html; charset=utf-8', {
      ...options,
      headers: { ...options.headers, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
    });
  }
  return json(200, result, options);
});
