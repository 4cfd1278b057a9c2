import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { listAlertsFor } from '#scans';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.listAlerts, async ({ principal, query }) => {
  const page = await listAlertsFor(principal, query);
  return json(200, { alerts: page.alerts, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});
