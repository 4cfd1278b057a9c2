import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { scanSummaryFor } from '#shared/scans/services/scan-summary';

export const handler = createHandler(ROUTES.getScanSummary, async ({ principal, query }) =>
  json(200, await scanSummaryFor(principal, query)),
);
