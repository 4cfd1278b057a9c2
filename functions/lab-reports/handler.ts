import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { registerLabReport } from '#shared/services/lab-report-service';

export const handler = createHandler(ROUTES.registerLabReport, async ({ principal, body }) =>
  json(201, await registerLabReport(principal, body)),
);
