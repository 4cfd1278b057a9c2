import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { listActivityFor } from '#registry';
import { ROUTES } from '#shared/app/routes';

/** Who did what in an organization, for its org admins and the service's admins. */
export const handler = createHandler(ROUTES.listOrganizationActivity, async ({ principal, params, query }) => {
  const { items, cursor } = await listActivityFor(principal, params.orgId, query);
  return json(200, { entries: items, ...(cursor === undefined ? {} : { cursor }) });
});
