import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { registerLabReport } from '#test-reports';

export const handler = createHandler(ROUTES.registerLabReport, async ({ principal, body }) =>
  json(201, await registerLabReport(principal, body)),
);
