import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { getOrganizationFor } from '#shared/registry/services/registry-service';

export const handler = createHandler(ROUTES.getOrganization, async ({ principal, params }) =>
  json(200, await getOrganizationFor(principal, params.id)),
);
