import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { ForbiddenError } from '../errors';
import { recordActivity } from './activity';
import { type ApiContext, authorize, httpErrorHandler, validateRequest } from './middleware';
import type { HttpResponse } from './responses';
import type { RouteDefinition } from './route-definition';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<R extends RouteDefinition> {
  event: APIGatewayProxyEventV2;
  /** The Lambda context: its remaining time bounds how much work a call may start. */
  context: ApiContext;
  /** Set on every non-public route; public handlers must not rely on it. */
  principal: R['auth'] extends 'public' ? undefined : Principal;
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  headers: Parsed<R['headers']>;
  body: Parsed<R['body']>;
}

/**
 * Outermost, so it runs last, after the error handler too: a HEAD (routes with `headToo`)
 * gets the headers and status the GET would get, and no body.
 */
export const omitBodyOnHead = (): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext> => {
  const strip = async (request: middy.Request<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>) => {
    if (request.event.requestContext?.http?.method === 'HEAD' && request.response !== undefined && request.response !== null) {
      request.response = { ...request.response, body: '' };
    }
  };
  return { after: strip, onError: strip };
};

/**
 * The middy chain every HTTP function uses: error handler (outermost), the activity record
 * of a successful write (its `after` runs once the handler answered), role check, request
 * validation against the route's schemas, then the thin handler itself.
 */
export const createHandler = <R extends RouteDefinition>(route: R, handle: (input: HandlerInput<R>) => Promise<HttpResponse>) =>
  middy<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>()
    .use(omitBodyOnHead())
    .use(httpErrorHandler())
    .use(recordActivity(route))
    .use(authorize(route))
    .use(validateRequest(route))
    .handler(async (event, context) => {
      if (route.auth !== 'public' && context.principal === undefined) throw new ForbiddenError();
      const input = context.input ?? { params: undefined, query: undefined, headers: undefined, body: undefined };
      return handle({ event, context, principal: context.principal, ...input } as HandlerInput<R>);
    });
