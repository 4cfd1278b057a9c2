import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { listReportsFor } from '#shared/services/report-service';

export const handler = createHandler(ROUTES.listReports, async ({ principal, query }) => {
  const page = await listReportsFor(principal, query);
  return json(200, { reports: page.reports, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});
