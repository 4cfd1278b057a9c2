import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHandler } from '../../shared/http/create-handler';
import { json } from '../../shared/http/responses';
import { ROUTES } from '../../shared/http/routes';
import { getChainFor } from '../../shared/services/chain-service';

const unitChain = createHandler(ROUTES.getUnitChain, async ({ principal, params }) =>
  json(200, await getChainFor(principal, { kind: 'unit', ...params })),
);

const containerChain = createHandler(ROUTES.getContainerChain, async ({ principal, params }) =>
  json(200, await getChainFor(principal, { kind: 'container', sscc: params.sscc })),
);

const CONTAINER_ROUTE = `${ROUTES.getContainerChain.method} ${ROUTES.getContainerChain.path}`;

/** One function, two routes: API Gateway names the route in routeKey. */
export const handler = (event: APIGatewayProxyEventV2, context: Context) =>
  event.routeKey === CONTAINER_ROUTE ? containerChain(event, context) : unitChain(event, context);
