import { epcisQueryResponse, partiesOfEvents, queryEpcisEvents } from '#custody';
import { createHandler } from '#kernel/http/create-handler';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.queryEpcisEvents, async ({ principal, query }) => {
  const raw = query as Record<string, string | undefined>;
  const now = new Date();
  const page = await queryEpcisEvents(principal, raw, now);
  return epcisQueryResponse(page, await partiesOfEvents(page.events), ROUTES.queryEpcisEvents.path, raw, now);
});
