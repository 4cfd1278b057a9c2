import { ROUTES } from '#shared/app/routes';
import { listInventoryFor } from '#shared/custody/services/inventory-service';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';

export const handler = createHandler(ROUTES.getInventory, async ({ principal, query }) =>
  json(200, await listInventoryFor(principal, query.which, { cursor: query.cursor, limit: query.limit })),
);
