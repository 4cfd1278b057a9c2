import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../logger';
import { errorResponse, type HttpResponse } from './responses';
import { type RouteKeySource, routeKeysOf } from './route-keys';

export type RouteHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

/**
 * One dispatcher for a function that serves several routes. API Gateway names the route
 * it matched in `routeKey` (`GET /00/{sscc}`, or `HEAD /00/{sscc}` for a route with
 * `headToo`), so dispatching is one map lookup on it, built from the route table.
 */
export const createRouter = (routes: ReadonlyArray<readonly [RouteKeySource, RouteHandler]>): RouteHandler => {
  const byKey = new Map<string, RouteHandler>();
  for (const [route, handle] of routes) {
    for (const key of routeKeysOf(route)) {
      if (byKey.has(key)) throw new Error(`Route ${key} has two handlers`);
      byKey.set(key, handle);
    }
  }
  return async (event, context) => {
    const handle = byKey.get(event.routeKey);
    if (handle !== undefined) return handle(event, context);
    // The stack sends this function only the routes above: anything else is a wiring bug of ours.
    logger.error('no handler for route', { routeKey: event.routeKey, requestId: context.awsRequestId });
    return errorResponse(new Error(`no handler for ${event.routeKey}`));
  };
};
