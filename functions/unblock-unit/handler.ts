import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { unblockUnitFor } from '#shared/services/unblock-service';

export const handler = createHandler(ROUTES.unblockUnit, async ({ principal, params, body }) =>
  json(200, await unblockUnitFor(principal, params, body.reason)),
);
