import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { searchPartners } from '#shared/services/partner-service';

export const handler = createHandler(ROUTES.listPartners, async ({ principal, query }) =>
  json(200, await searchPartners(principal, query.q, query.limit)),
);
