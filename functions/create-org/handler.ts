import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { registerOrganization } from '#registry';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.createOrganization, async ({ body }) => {
  const org = await registerOrganization(body);
  return json(201, org, { headers: { location: pathOf('v1', 'orgs', org.id) } });
});
