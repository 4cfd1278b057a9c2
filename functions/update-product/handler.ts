import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { updateProductFor } from '#registry';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.updateProduct, async ({ principal, params, body }) =>
  json(200, await updateProductFor(principal, params.gtin, body)),
);
