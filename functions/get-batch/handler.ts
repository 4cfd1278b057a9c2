import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { getBatchWithProgressFor } from '#shared/services/batch-progress';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchWithProgressFor(principal, params.id)),
);
