import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { getOrganizationFor } from '#shared/registry/services/registry-service';

export const handler = createHandler(ROUTES.getOrganization, async ({ principal, params }) =>
  json(200, await getOrganizationFor(principal, params.id)),
);
