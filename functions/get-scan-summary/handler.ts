import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { scanSummaryFor } from '#shared/scans/services/scan-summary';

export const handler = createHandler(ROUTES.getScanSummary, async ({ principal, query }) =>
  json(200, await scanSummaryFor(principal, query)),
);
