import { ROUTES } from '#shared/http/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { readExport } from '#shared/services/audit/export-jobs';

export const handler = createHandler(ROUTES.getExport, async ({ principal, params }) =>
  json(200, await readExport(principal, params.exportId)),
);
