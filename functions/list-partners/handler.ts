import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { searchPartners } from '#shared/registry/services/partner-service';

export const handler = createHandler(ROUTES.listPartners, async ({ principal, query }) =>
  json(200, await searchPartners(principal, query.q, query.limit)),
);
