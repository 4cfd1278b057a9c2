/**
 * What the verify function (functions/verify-code) answers on each Digital Link path: the
 * GS1 resolver's answer where one is asked for (resolver-responses.ts), else the verdict of
 * the unit or container as JSON, as the verification page or as a lightweight verification
 * message. Its routes' parameters arrive checked by VERIFY_ROUTES' own parsers.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isGs1Value, parseCodeParts, parseContainerCode } from '#kernel/codes/digital-link';
import { isValidGtin14 } from '#kernel/codes/gtin';
import { getStringFromEnv } from '#kernel/config';
import { BadRequestError } from '#kernel/errors';
import { type HttpResponse, json, text } from '#kernel/http/responses';
import { linksetLink, pageLinksFor, resolve } from '#resolver';
import type { ResolverSubject } from '#resolver/contract';
import { toLightweightVerification } from '../domain/lightweight-verification';
import { verifyContainerCode, verifyScannedCode } from '../services/verify-service';
import type { LeanInput } from './lean-handler';
import { pageLanguage } from './page-messages';
import { PAGE_CSP, type PageContext, prefersHtml, renderContainerPage, renderVerificationPage } from './verification-page';

/**
 * CloudFront caches verdicts by path + AI 8030 (+ the normalized Accept). A signature
 * that does not match a known key never becomes good, so that `invalid` is cached for a
 * day, which also absorbs floods of forged scans. Every other verdict can change (recall,
 * end of life, a key id published by a rotation seconds ago, a scan flag set or a block
 * lifted by the factory), so a minute: a blocked or suspect unit is never kept a day. Malformed
 * requests are errors and are not cached at all (the error handler's no-store).
 */
const CACHE_CONTROL = {
  invalid: 'public, max-age=300, s-maxage=86400',
  other: 'public, max-age=60, s-maxage=60, stale-while-revalidate=30',
};

/** Read per request: the handler-error unit tests import the verify handler without it. */
const baseUrl = () => getStringFromEnv({ key: 'VERIFY_BASE_URL' });

/** JSON for apps, the page for browsers, or a GS1 lightweight verification message; the cache lifetime follows the verdict. */
const respond = async <
  R extends { invalidReason?: string; status: Parameters<typeof toLightweightVerification>[0]; checkedAt: string },
>(
  event: APIGatewayProxyEventV2,
  result: R,
  render: (result: R, context: PageContext) => string | Promise<string>,
  answer: 'verdict' | 'lightweight',
  link: string,
) => {
  const options = {
    cacheControl: result.invalidReason === 'signature_mismatch' ? CACHE_CONTROL.invalid : CACHE_CONTROL.other,
    headers: { vary: 'Accept', link },
  };
  if (answer === 'lightweight') return json(200, toLightweightVerification(result.status, result.checkedAt), options);
  if (!prefersHtml(event.headers.accept)) return json(200, result, options);
  // The CDN puts a normalized `lang` in the query of every HTML request (its cache key).
  const query = event.queryStringParameters ?? {};
  const context: PageContext = {
    lang: pageLanguage(query.lang, event.headers['accept-language']),
    path: event.rawPath,
    digsig: query['8030'],
    baseUrl: baseUrl(),
  };
  return text(200, await render(result, context), 'text/html; charset=utf-8', {
    ...options,
    headers: { ...options.headers, vary: 'Accept, Accept-Language', 'content-security-policy': PAGE_CSP },
  });
};

/** Links only for a unit that checked out: a forged or unknown code vouches for nothing. */
const renderUnitPage = async (result: Awaited<ReturnType<typeof verifyScannedCode>>, context: PageContext) =>
  renderVerificationPage(result, {
    ...context,
    links: result.product === undefined ? [] : await pageLinksFor(result.product.gtin, context.lang),
  });

type Query = { '8030'?: string; linkType?: string };

/** The identity alone, for answers that need no signature (linkset, product links). */
const unitSubject = (params: { gtin: string; lot: string; serial: string }, digsig: string | undefined): ResolverSubject => {
  if (!isValidGtin14(params.gtin) || !isGs1Value('10', params.lot) || !isGs1Value('21', params.serial)) {
    throw new BadRequestError('MALFORMED_CODE', 'Not a GS1 Digital Link URI of a unit: /01/{gtin}/10/{lot}/21/{serial}');
  }
  return { kind: 'unit', ...params, ...(digsig === undefined ? {} : { digsig }) };
};

export const answerUnit = async ({ event, params, query }: LeanInput<{ gtin: string; lot: string; serial: string }, Query>) => {
  const subject = unitSubject(params, query['8030']);
  const answer = await resolve({ baseUrl: baseUrl(), subject, linkType: query.linkType, headers: event.headers });
  if (typeof answer === 'object') return answer;
  const code = parseCodeParts({ ...params, digsig: query['8030'] });
  return respond(event, await verifyScannedCode(code), renderUnitPage, answer, linksetLink(baseUrl(), subject));
};

export const answerContainer = async ({ event, params, query }: LeanInput<{ sscc: string }, Query>) => {
  const code = parseContainerCode({ sscc: params.sscc, digsig: query['8030'] });
  const subject: ResolverSubject = { kind: 'container', sscc: code.sscc, digsig: code.digsig };
  const answer = await resolve({ baseUrl: baseUrl(), subject, linkType: query.linkType, headers: event.headers });
  if (typeof answer === 'object') return answer;
  return respond(event, await verifyContainerCode(code), renderContainerPage, answer, linksetLink(baseUrl(), subject));
};

export const answerProduct = async ({ event, params, query }: LeanInput<{ gtin: string; lot?: string }, Query>) => {
  if (!isValidGtin14(params.gtin) || (params.lot !== undefined && !isGs1Value('10', params.lot))) {
    throw new BadRequestError('MALFORMED_CODE', 'Not a GS1 Digital Link URI: /01/{gtin14}[/10/{lot}]');
  }
  const subject: ResolverSubject =
    params.lot === undefined ? { kind: 'product', gtin: params.gtin } : { kind: 'lot', gtin: params.gtin, lot: params.lot };
  const answer = await resolve({ baseUrl: baseUrl(), subject, linkType: query.linkType, headers: event.headers });
  // Neither has a verdict of its own: their default is a product link.
  if (typeof answer !== 'object')
    throw new BadRequestError('MISSING_SERIAL', 'Only a unit (AI 21) or a container (AI 00) is verified');
  return answer;
};

/**
 * A path the specific routes did not match: a unit's or container's URI with a trailing
 * slash (the resolver standard asks us to tolerate it) is served as itself; anything else
 * (a Digital Link with garbage appended, qualifiers out of order) is 400, never a 404.
 */
export const answerUnmatched = async ({ event, query }: Omit<LeanInput<unknown, Query>, 'params'>): Promise<HttpResponse> => {
  // Left encoded: a percent-encoded segment fails the code patterns and is a 400 like any other.
  const segments = event.rawPath.replace(/^\//, '').replace(/\/$/, '').split('/');
  const [ai, first, q1, second, q2, third, ...rest] = segments;
  if (rest.length === 0 && first !== undefined) {
    if (ai === '00' && q1 === undefined) return answerContainer({ event, params: { sscc: first }, query });
    if (ai === '01' && q1 === undefined) return answerProduct({ event, params: { gtin: first }, query });
    if (ai === '01' && q1 === '10' && second !== undefined && q2 === undefined)
      return answerProduct({ event, params: { gtin: first, lot: second }, query });
    if (ai === '01' && q1 === '10' && second !== undefined && q2 === '21' && third !== undefined) {
      return answerUnit({ event, params: { gtin: first, lot: second, serial: third }, query });
    }
  }
  throw new BadRequestError('NOT_A_DIGITAL_LINK', 'Not a GS1 Digital Link URI this resolver serves');
};
