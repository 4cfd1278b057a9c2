import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { unblockUnitFor } from '#scans';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.unblockUnit, async ({ principal, params, body }) =>
  json(200, await unblockUnitFor(principal, params, body.reason)),
);
