import { pathOf } from '#shared/domain/uri-encoding';
import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { registerOrganization } from '#shared/services/registry-service';

export const handler = createHandler(ROUTES.createOrganization, async ({ body }) => {
  const org = await registerOrganization(body);
  return json(201, org, { headers: { location: pathOf('v1', 'orgs', org.id) } });
});
