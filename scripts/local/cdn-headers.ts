import type { IncomingMessage } from 'node:http';
import { ABSENT_AUTHORIZATION } from '#shared/app/authorizer';

/**
 * What CloudFront does to a request's headers before the origin sees them, for the local
 * gateway: a viewer's own `CloudFront-*` headers never reach the origin as CloudFront's, and
 * CloudFront-Viewer-Address names where the request came from. Simulating places (demos,
 * tests) keeps the viewer's `CloudFront-Viewer-*` headers as if CloudFront had set them.
 */
const CDN_HEADER_PREFIX = 'cloudfront-';
const VIEWER_HEADER_PREFIX = 'cloudfront-viewer-';
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/**
 * The request's headers as CloudFront hands them to the origin: the viewer's own
 * `CloudFront-*` headers gone (or, when simulating, its `CloudFront-Viewer-*` ones kept),
 * and CloudFront-Viewer-Address set to where the request came from.
 */
export const originHeaders = (req: IncomingMessage, simulateViewerLocation: boolean): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (value === undefined) continue;
    if (lower.startsWith(CDN_HEADER_PREFIX) && !(simulateViewerLocation && lower.startsWith(VIEWER_HEADER_PREFIX))) continue;
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  if (headers[VIEWER_ADDRESS_HEADER] === undefined && req.socket.remoteAddress !== undefined) {
    headers[VIEWER_ADDRESS_HEADER] = `${req.socket.remoteAddress}:${req.socket.remotePort ?? 0}`;
  }
  return headers;
};

/** CloudFront's cached verification behaviours (`/01/*`, `/00/*`); every other path is the uncached one. */
const CACHED_PATH = /^\/0[01]\//;

/**
 * The uncached behaviour's viewer-request function (infra/cloudfront/api-request.ts): a
 * request without a token reaches the authorizer, which answers why, as in AWS.
 */
export const markAbsentAuthorization = (pathname: string, headers: Record<string, string>): void => {
  if (!CACHED_PATH.test(pathname) && (headers.authorization ?? '').trim() === '') headers.authorization = ABSENT_AUTHORIZATION;
};
