import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { getOrganizationFor } from '#registry';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.getOrganization, async ({ principal, params }) =>
  json(200, await getOrganizationFor(principal, params.id)),
);
