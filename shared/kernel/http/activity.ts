import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { putActivity } from '../db/activity-repository';
import { logger } from '../logger';
import type { ApiContext } from './middleware';
import type { HttpResponse } from './responses';
import { type RouteDefinition, recordsActivity } from './route-definition';

/**
 * Records who did what: after a private route that writes (any method but GET) answered
 * 2xx, one item in the caller's organization's activity (db/activity-repository.ts). Reads
 * and public routes (the scan path, a public report) record nothing and pay nothing. The
 * write already happened, so failing to record it is logged, never answered as a failure:
 * a caller told "500" would retry a write that succeeded.
 */
const locationOf = (response: HttpResponse): string | undefined => {
  const value = response.headers?.location ?? response.headers?.Location;
  return typeof value === 'string' ? value : undefined;
};

export const recordActivity = (
  route: RouteDefinition,
): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext> => ({
  after: async (request) => {
    const { principal } = request.context;
    const status = request.response?.statusCode ?? 200;
    if (!recordsActivity(route) || principal === undefined || status < 200 || status >= 300) return;
    const params = (request.context.input?.params ?? {}) as Record<string, unknown>;
    const resources = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
    const location = request.response == null ? undefined : locationOf(request.response);
    const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
    try {
      await putActivity({
        orgId: principal.orgId,
        at: new Date().toISOString(),
        actor: principal.actor ?? { kind: 'client', clientId: principal.clientId },
        operation: route.operationId,
        resources,
        ...(location === undefined ? {} : { location }),
        requestId,
      });
    } catch (error) {
      logger.error('could not record activity', {
        route: route.operationId,
        orgId: principal.orgId,
        error: error instanceof Error ? error.name : String(error),
      });
    }
  },
});
