import { AppError } from '#shared/errors';
import { createHandler } from '#shared/http/create-handler';
import { renderReportFailure, renderReportReceipt, reportPageLanguage } from '#shared/http/report-page';
import { acceptsHtml, readReportRequest, reporterAddress } from '#shared/http/report-request';
import { errorResponse, json, text } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { submitReport } from '#shared/services/report-service';

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
      // CloudFront's own viewer-location headers (a viewer's are dropped on the way, see
      // infra/constructs/verification-cdn.ts and the local gateway): where the reporter stood.
      viewerCountry: event.headers['cloudfront-viewer-country'],
      viewerSubdivision: event.headers['cloudfront-viewer-country-region'],
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
