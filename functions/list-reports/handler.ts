import { listReportsFor } from '#counterfeit-reports';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.listReports, async ({ principal, query }) => {
  const page = await listReportsFor(principal, query);
  return json(200, { reports: page.reports, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});
