import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { readExport } from '#shared/services/audit/export-jobs';

export const handler = createHandler(ROUTES.getExport, async ({ principal, params }) =>
  json(200, await readExport(principal, params.exportId)),
);
