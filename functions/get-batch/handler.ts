import { getBatchWithProgressFor } from '#issuance';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.getBatch, async ({ principal, params }) =>
  json(200, await getBatchWithProgressFor(principal, params.id)),
);
