/**
 * The shape of a route definition and the helpers every routes file builds them with
 * (routes.ts and its topic files: resolver-routes.ts, scan-routes.ts, ...).
 */
import type { z } from 'zod';
import type { Role } from '../roles';
import { ErrorBody } from './common-schemas';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentTypes?: string[];
}

export interface RouteDefinition {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI / API Gateway path syntax. */
  path: string;
  /** Folder under functions/. */
  functionName: string;
  summary: string;
  /** `public`, or the roles whose scope the authorizer and the handler require. */
  auth: 'public' | readonly Role[];
  /**
   * Also served for HEAD (same function, no body). CloudFront forwards a viewer's HEAD as
   * HEAD, and API Gateway matches HEAD only to a HEAD route.
   */
  headToo?: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  /** Default 64 KiB. */
  maxBodyBytes?: number;
  responses: Record<number, ResponseSpec>;
}

/** One error response, described for its route. */
export const errorResponse = (description: string): ResponseSpec => ({ description, schema: ErrorBody });

const USUAL_ERRORS: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Missing or invalid token',
  403: 'Role or organization not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Body is not JSON',
  429: 'Too many requests (Retry-After says when to retry)',
  503: 'Temporarily unavailable',
};

/**
 * `errors` for a family of routes that words some statuses its own way (e.g. a 404 that
 * names what is missing); the statuses it does not reword keep the usual descriptions.
 */
export const errorsDescribed =
  (overrides: Readonly<Record<number, string>>) =>
  (...codes: number[]): Record<number, ResponseSpec> =>
    Object.fromEntries(codes.map((code) => [code, errorResponse(overrides[code] ?? USUAL_ERRORS[code] ?? 'Error')]));

/** Error responses by status code, with the usual descriptions. */
export const errors = errorsDescribed({});

/**
 * The query parameter a listing takes its next page's cursor in (`cursor`, or EPCIS's
 * `nextPageToken`); undefined for a route that is not a listing. The stack gives the cursor
 * key to exactly these routes' functions, and the fuzz test replays cursors against them.
 */
export const cursorParameterOf = (route: RouteDefinition): 'cursor' | 'nextPageToken' | undefined => {
  const shape = (route.query as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  if ('cursor' in shape) return 'cursor';
  if ('nextPageToken' in shape) return 'nextPageToken';
  return undefined;
};

/**
 * Whether a successful call is recorded in its organization's activity (activity.ts): a
 * private route that writes. The stack lets exactly these routes' functions put the record.
 */
export const recordsActivity = (route: RouteDefinition): boolean => route.auth !== 'public' && route.method !== 'GET';

/** Keeps a route's literal type (its operationId, path, schemas) while checking its shape. */
export const route = <T extends RouteDefinition>(definition: T): T => definition;
