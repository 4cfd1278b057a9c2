import { acceptsHtml, readReportRequest, reporterAddress, reporterPlace, submitReport } from '#counterfeit-reports';
import { getStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { createHandler } from '#kernel/http/create-handler';
import { errorResponse, json, text } from '#kernel/http/responses';
import { loadIpRegions } from '#kernel/places/ip-regions';
import { ROUTES } from '#shared/app/routes';
import { renderReportFailure, renderReportReceipt, reportPageLanguage } from '#verification';

// At cold start: a function bundled without its IP database fails here, not on a report.
const locate = loadIpRegions();

const HTML = 'text/html; charset=utf-8';

/**
 * Public: anyone who doubts a label can report it, from the page's form (no JavaScript
 * needed) or from an app. A browser gets a page in its language, an app JSON; a filled
 * honeypot gets the same 202 as everyone else.
 */
export const handler = createHandler(ROUTES.createReport, async ({ event, query }) => {
  const html = acceptsHtml(event.headers.accept);
  const language = reportPageLanguage(query.lang, event.headers['accept-language']);
  try {
    const request = readReportRequest(event);
    const { reference } = await submitReport({
      ...request,
      sourceIp: reporterAddress(event),
      // From the address CloudFront saw, as for scans: never a viewer-location header a
      // request from the AWS network could bring itself.
      reporterPlace: reporterPlace(event, locate),
      verifyBaseUrl: getStringFromEnv({ key: 'VERIFY_BASE_URL' }),
    });
    return html ? text(202, renderReportReceipt(language, reference), HTML) : json(202, { reference, status: 'received' });
  } catch (error) {
    if (!html || !(error instanceof AppError) || !error.expose) throw error;
    const { statusCode, headers } = errorResponse(error);
    const retryAfter = headers['retry-after'];
    return text(statusCode ?? 400, renderReportFailure(language, error.code), HTML, {
      headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    });
  }
});
