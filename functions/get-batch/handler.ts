import { ROUTES } from '#shared/http/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { getBatchWithProgressFor } from '#shared/services/batch-progress';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchWithProgressFor(principal, params.id)),
);
