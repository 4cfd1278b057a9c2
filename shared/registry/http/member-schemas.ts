import { z } from 'zod';
import { Role, text } from '#kernel/http/common-schemas';
import { MEMBER_STATUSES } from '../domain/members';

/** An organization's people and its activity: the schemas of their routes (member-routes.ts). */

export const OrganizationParams = z.strictObject({ orgId: z.uuid() });
export const OrganizationUserParams = z.strictObject({ orgId: z.uuid(), userId: z.uuid() });

export const OrganizationUserListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const InviteUserBody = z.strictObject({
  email: z.email().max(254).describe('Where the invitation goes (in AWS Cognito mails a temporary password); the sign-in name'),
  name: text(100).describe('As the console and the activity show the person'),
  orgAdmin: z.boolean().default(false).describe("Whether the person manages the organization's people and reads its activity"),
});

export const OrganizationUser = z
  .object({
    userId: z.uuid().describe('The `sub` of its tokens'),
    orgId: z.uuid(),
    role: Role.describe("The organization's role, which the person's tokens carry"),
    email: z.string(),
    name: z.string(),
    orgAdmin: z.boolean(),
    status: z.enum(MEMBER_STATUSES).describe('`removed`: its tokens are refused (USER_REMOVED) and it cannot sign in'),
    createdAt: z.iso.datetime(),
    removedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'OrganizationUser' });

export const OrganizationUserList = z
  .object({ users: z.array(OrganizationUser), cursor: z.string().optional() })
  .meta({ id: 'OrganizationUserList' });

export const ActivityListQuery = OrganizationUserListQuery;

export const ActivityEntry = z
  .object({
    at: z.iso.datetime().describe('When the write was answered'),
    actor: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('person'), userId: z.string(), name: z.string(), orgAdmin: z.boolean() }),
        z.object({ kind: z.literal('client'), clientId: z.string() }),
      ])
      .describe('A person of the organization, or one of its API clients'),
    operation: z.string().describe("The route's operationId, as /openapi.json names it"),
    resources: z.record(z.string(), z.string()).describe('The path parameters the request named'),
    location: z.string().optional().describe('What the request created, when it did'),
    requestId: z.string(),
  })
  .meta({ id: 'ActivityEntry' });

export const ActivityList = z
  .object({ entries: z.array(ActivityEntry).describe('Newest first'), cursor: z.string().optional() })
  .meta({ id: 'ActivityList' });
