import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidCursorError } from '../db/cursors';
import { AppError, TooManyRequestsError } from '../errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

/** API answers are private and uncached unless a route says otherwise. */
export const NO_STORE = 'no-store';

const baseHeaders = (contentType: string, cacheControl: string): Record<string, string> => ({
  'content-type': contentType,
  'cache-control': cacheControl,
  'x-content-type-options': 'nosniff',
});

export const json = (
  statusCode: number,
  body: unknown,
  options: { cacheControl?: string; headers?: Record<string, string> } = {},
): HttpResponse => ({
  statusCode,
  headers: { ...baseHeaders('application/json; charset=utf-8', options.cacheControl ?? NO_STORE), ...options.headers },
  body: JSON.stringify(body),
});

export const text = (
  statusCode: number,
  body: string,
  contentType: string,
  options: { cacheControl?: string; headers?: Record<string, string> } = {},
): HttpResponse => ({
  statusCode,
  headers: { ...baseHeaders(contentType, options.cacheControl ?? NO_STORE), ...options.headers },
  body,
});

/**
 * Errors of the lower layers that are the caller's fault but carry no HTTP of their own:
 * the one place that gives them a status and a stable code.
 */
const fromLowerLayer = (error: unknown): AppError | undefined => {
  if (error instanceof InvalidCursorError) return new AppError(400, 'INVALID_CURSOR', error.message);
  return undefined;
};

/** The one place where errors become HTTP. A 5xx shows only a generic message. */
export const errorResponse = (thrown: unknown): HttpResponse => {
  const error = fromLowerLayer(thrown) ?? thrown;
  if (error instanceof AppError && error.expose) {
    return json(
      error.statusCode,
      { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } },
      error instanceof TooManyRequestsError ? { headers: { 'retry-after': String(error.retryAfterSeconds) } } : {},
    );
  }
  if (error instanceof AppError && error.statusCode === 503) {
    return json(503, { error: { code: error.code, message: 'Service temporarily unavailable' } });
  }
  return json(500, { error: { code: 'INTERNAL', message: 'Internal server error' } });
};
