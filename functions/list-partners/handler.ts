import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { searchPartners } from '#registry';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.listPartners, async ({ principal, query }) =>
  json(200, await searchPartners(principal, query.q, query.limit)),
);
