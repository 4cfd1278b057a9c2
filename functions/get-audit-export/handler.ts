import { readExport } from '#audit';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.getExport, async ({ principal, params }) =>
  json(200, await readExport(principal, params.exportId)),
);
