import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { readExport } from '#shared/audit/services/export-jobs';

export const handler = createHandler(ROUTES.getExport, async ({ principal, params }) =>
  json(200, await readExport(principal, params.exportId)),
);
