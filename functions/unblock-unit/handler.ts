import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { unblockUnitFor } from '#shared/scans/services/unblock-service';

export const handler = createHandler(ROUTES.unblockUnit, async ({ principal, params, body }) =>
  json(200, await unblockUnitFor(principal, params, body.reason)),
);
