import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '#kernel/errors';
import { omitBodyOnHead } from '#kernel/http/create-handler';
import { type ApiContext, httpErrorHandler } from '#kernel/http/middleware';
import type { HttpResponse } from '#kernel/http/responses';
import type { LeanRoute, Parsed } from './verify-routes';

export interface LeanInput<P, Q> {
  event: APIGatewayProxyEventV2;
  params: P;
  query: Q;
}

const accepted = <T>(parsed: Parsed<T>, where: string): T => {
  if (!parsed.ok) throw new ValidationError(`Invalid ${where}`, parsed.issues);
  return parsed.value;
};

/**
 * createHandler for a public route checked by hand-written parsers (verify-routes.ts):
 * the same middy chain, error handler and HEAD handling, and the same 400 on bad input,
 * without zod or the route table in the bundle. Public only, so no role check to skip.
 */
export const createLeanHandler = <P, Q>(route: LeanRoute<P, Q>, handle: (input: LeanInput<P, Q>) => Promise<HttpResponse>) =>
  middy<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>()
    .use(omitBodyOnHead())
    .use(httpErrorHandler())
    .handler(async (event) => {
      // Path parameters first, as the validation middleware does: its first failure is the one reported.
      const params = accepted(route.params(event.pathParameters ?? {}), 'path parameters');
      const query = accepted(route.query(event.queryStringParameters ?? {}), 'query parameters');
      return handle({ event, params, query });
    });
