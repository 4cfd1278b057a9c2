import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { unblockUnitFor } from '#shared/scans/services/unblock-service';

export const handler = createHandler(ROUTES.unblockUnit, async ({ principal, params, body }) =>
  json(200, await unblockUnitFor(principal, params, body.reason)),
);
