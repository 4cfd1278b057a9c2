import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { pathOf } from '#kernel/http/uri-encoding';
import { inviteMember, listMembersFor, removeMember } from '#registry';
import { ROUTES } from '#shared/app/routes';

/** An organization's people: its org admins and the service's admins list, invite and remove them. */
export const handler = createRouter([
  [
    ROUTES.listOrganizationUsers,
    createHandler(ROUTES.listOrganizationUsers, async ({ principal, params, query }) => {
      const { items, cursor } = await listMembersFor(principal, params.orgId, query);
      return json(200, { users: items, ...(cursor === undefined ? {} : { cursor }) });
    }),
  ],
  [
    ROUTES.inviteOrganizationUser,
    createHandler(ROUTES.inviteOrganizationUser, async ({ principal, params, body }) => {
      const member = await inviteMember(principal, params.orgId, body);
      return json(201, member, {
        headers: { location: pathOf('v1', 'organizations', params.orgId, 'users', member.userId) },
      });
    }),
  ],
  [
    ROUTES.removeOrganizationUser,
    createHandler(ROUTES.removeOrganizationUser, async ({ principal, params }) =>
      json(200, await removeMember(principal, params.orgId, params.userId)),
    ),
  ],
]);
