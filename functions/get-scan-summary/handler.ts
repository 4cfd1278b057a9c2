import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { scanSummaryFor } from '#scans';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.getScanSummary, async ({ principal, query }) =>
  json(200, await scanSummaryFor(principal, query)),
);
