import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { getBatchFor } from '#shared/services/batch-service';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchFor(principal, params.id)),
);
