import { ROUTES } from '#shared/app/routes';
import { readExport } from '#shared/audit/services/export-jobs';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';

export const handler = createHandler(ROUTES.getExport, async ({ principal, params }) =>
  json(200, await readExport(principal, params.exportId)),
);
