import { epcisQueryResponse } from '#shared/http/epcis-query-response';
import { ROUTES } from '#shared/http/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { queryEpcisEvents } from '#shared/services/epcis-query-service';
import { partiesOfEvents } from '#shared/services/party-lookup';

export const handler = createHandler(ROUTES.queryEpcisEvents, async ({ principal, query }) => {
  const raw = query as Record<string, string | undefined>;
  const now = new Date();
  const page = await queryEpcisEvents(principal, raw, now);
  return epcisQueryResponse(page, await partiesOfEvents(page.events), ROUTES.queryEpcisEvents.path, raw, now);
});
