import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { getOrganizationFor } from '#shared/services/registry-service';

export const handler = createHandler(ROUTES.getOrganization, async ({ principal, params }) =>
  json(200, await getOrganizationFor(principal, params.id)),
);
