import { errorResponse as error, errors, route } from '#kernel/http/route-definition';
import { ROLES } from '#kernel/roles';
import {
  ActivityList,
  ActivityListQuery,
  InviteUserBody,
  OrganizationParams,
  OrganizationUser,
  OrganizationUserList,
  OrganizationUserListQuery,
  OrganizationUserParams,
} from './member-schemas';

/**
 * An organization's people (shared/app/routes.ts spreads these into ROUTES): every role's
 * token reaches the function, which lets through the organization's own org admins (people,
 * never API clients) and the service's admins.
 */
const NOT_ADMIN = error("NOT_ORG_ADMIN: not one of the organization's admins; NOT_YOUR_ORGANIZATION: another organization");

export const MEMBER_ROUTES = {
  listOrganizationUsers: route({
    operationId: 'listOrganizationUsers',
    method: 'GET',
    path: '/v1/organizations/{orgId}/users',
    functionName: 'manage-org-users',
    summary: "An organization's people, removed ones too (its org admins, the service's admins)",
    auth: ROLES,
    params: OrganizationParams,
    query: OrganizationUserListQuery,
    responses: { 200: { description: 'One page', schema: OrganizationUserList }, ...errors(400, 401), 403: NOT_ADMIN },
  }),
  inviteOrganizationUser: route({
    operationId: 'inviteOrganizationUser',
    method: 'POST',
    path: '/v1/organizations/{orgId}/users',
    functionName: 'manage-org-users',
    summary: "Invite a person to the organization, in the organization's role (in AWS Cognito mails a temporary password)",
    auth: ROLES,
    params: OrganizationParams,
    body: InviteUserBody,
    responses: {
      201: { description: 'Invited', schema: OrganizationUser },
      ...errors(400, 401, 404, 413, 415),
      403: NOT_ADMIN,
      409: error('USER_EXISTS: a person with this email already exists'),
    },
  }),
  removeOrganizationUser: route({
    operationId: 'removeOrganizationUser',
    method: 'DELETE',
    path: '/v1/organizations/{orgId}/users/{userId}',
    functionName: 'manage-org-users',
    summary: 'Remove a person: its sign-in is deleted and its tokens refused (never the last org admin)',
    auth: ROLES,
    params: OrganizationUserParams,
    responses: {
      200: { description: 'Removed', schema: OrganizationUser },
      ...errors(400, 401),
      403: NOT_ADMIN,
      404: error('USER_NOT_FOUND: not a current member of this organization'),
      409: error('LAST_ORG_ADMIN: the organization keeps at least one org admin'),
    },
  }),
  listOrganizationActivity: route({
    operationId: 'listOrganizationActivity',
    method: 'GET',
    path: '/v1/organizations/{orgId}/activity',
    functionName: 'list-org-activity',
    summary:
      "Who did what: every successful write by the organization's people and API clients, newest first (its org admins, the service's admins)",
    auth: ROLES,
    params: OrganizationParams,
    query: ActivityListQuery,
    responses: { 200: { description: 'One page, newest first', schema: ActivityList }, ...errors(400, 401), 403: NOT_ADMIN },
  }),
} as const;
