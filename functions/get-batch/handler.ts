import { ROUTES } from '#shared/app/routes';
import { getBatchWithProgressFor } from '#shared/issuance/services/batch-progress';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchWithProgressFor(principal, params.id)),
);
