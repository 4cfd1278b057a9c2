import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { getBatchWithProgressFor } from '#shared/issuance/services/batch-progress';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchWithProgressFor(principal, params.id)),
);
