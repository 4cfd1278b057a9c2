import { listInventoryFor } from '#custody';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.getInventory, async ({ principal, query }) =>
  json(200, await listInventoryFor(principal, query.which, { cursor: query.cursor, limit: query.limit })),
);
