import { getChainFor } from '#custody';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { ROUTES } from '#shared/app/routes';

const unitChain = createHandler(ROUTES.getUnitChain, async ({ principal, params }) =>
  json(200, await getChainFor(principal, { kind: 'unit', ...params })),
);

const containerChain = createHandler(ROUTES.getContainerChain, async ({ principal, params }) =>
  json(200, await getChainFor(principal, { kind: 'container', sscc: params.sscc })),
);

export const handler = createRouter([
  [ROUTES.getUnitChain, unitChain],
  [ROUTES.getContainerChain, containerChain],
]);
