import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { type Principal, principalFromEvent, requireRole } from '../auth/principal';
import { BadRequestError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { logger } from '../logger';
import { requestBodyBytes } from './request-body';
import { errorResponse, type HttpResponse } from './responses';
import type { RouteDefinition } from './route-definition';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** What the middlewares hand to a handler, on the Lambda context. */
export interface ApiContext extends Context {
  principal?: Principal;
  input?: { params: unknown; query: unknown; headers: unknown; body: unknown };
}

type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>;

/**
 * Registered first so that it runs last on the way out: it turns every error into the
 * one response shape, and hides the internals of anything that is not an AppError.
 */
export const httpErrorHandler = (): Middleware => ({
  onError: async (request) => {
    const error = request.error;
    const response = errorResponse(error);
    if ((response.statusCode ?? 500) >= 500) {
      logger.error('request failed', {
        requestId: request.context.awsRequestId,
        route: request.event.routeKey,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
    }
    request.response = response;
  },
});

/**
 * Role first, so an anonymous caller learns nothing about what a valid body looks like.
 * This is also where a token the authorizer refused is answered (401/403 with its code):
 * the authorizer lets such a request through only so that its answer can have a body, and
 * this middleware runs before validation and the handler on every private route.
 */
export const authorize = (route: RouteDefinition): Middleware => ({
  before: async (request) => {
    if (route.auth === 'public') return;
    const principal = principalFromEvent(request.event, route.auth);
    requireRole(principal, route.auth);
    request.context.principal = principal;
  },
});

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * Field-level messages. For a value that matches none of a union's shapes, the shape it
 * came closest to (fewest issues) explains best what is wrong.
 */
const flatten = (issues: readonly Issue[], prefix: PropertyKey[] = []): { path: string; message: string }[] =>
  issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const branches = issue.code === 'invalid_union' ? (issue.errors ?? []) : [];
    const closest = [...branches].sort((a, b) => a.length - b.length)[0];
    if (closest !== undefined && closest.length > 0) return flatten(closest, path);
    return [{ path: path.map(String).join('.'), message: issue.message }];
  });

const issuesOf = (error: z.ZodError) => flatten(error.issues as unknown as Issue[]);

/** The value as its schema reads it, or a validation error with `message` and a problem per field. */
export const parseOrRefuse = <T>(schema: z.ZodType<T>, value: unknown, message: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(message, issuesOf(result.error));
  return result.data;
};

const check = <T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T | undefined =>
  schema === undefined ? undefined : parseOrRefuse(schema, value, `Invalid ${where}`);

const readJsonBody = (event: APIGatewayProxyEventV2, maxBytes: number): unknown => {
  if (event.body === undefined || event.body === '') {
    throw new BadRequestError('MISSING_BODY', 'A JSON request body is required');
  }
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(contentType)) throw new UnsupportedMediaTypeError();
  const raw = requestBodyBytes(event, maxBytes);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
};

export const validateRequest = (route: RouteDefinition): Middleware => ({
  before: async (request) => {
    const { event } = request;
    request.context.input = {
      params: check(route.params, event.pathParameters ?? {}, 'path parameters'),
      query: check(route.query, event.queryStringParameters ?? {}, 'query parameters'),
      headers: check(route.headers, event.headers ?? {}, 'headers'),
      body:
        route.body === undefined
          ? undefined
          : check(route.body, readJsonBody(event, route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), 'request body'),
    };
  },
});
