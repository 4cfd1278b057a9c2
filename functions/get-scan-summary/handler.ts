import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { scanSummaryFor } from '#shared/services/scan-summary';

export const handler = createHandler(ROUTES.getScanSummary, async ({ principal, query }) =>
  json(200, await scanSummaryFor(principal, query)),
);
