import type { Principal } from '#kernel/auth/principal';
import { listActivity } from '#kernel/db/activity-repository';
import { NotFoundError } from '#kernel/errors';
import { logger } from '#kernel/logger';
import { assertMayManageMembers, type InviteMemberInput, type Member, normalizeEmail } from '../domain/members';
import { createMember, getMember, listMembers, markMemberRemoved } from '../store/member-repository';
import { getOrganization } from '../store/org-repository';
import { identityDirectory } from './identity-directory';

/** An organization's people: listed, invited and removed by its org admins and the service's admins. */
export const listMembersFor = async (principal: Principal, orgId: string, page: { cursor?: string; limit: number }) => {
  assertMayManageMembers(principal, orgId);
  return listMembers(orgId, page);
};

/** Who did what in the organization, newest first: for the same people who manage its people. */
export const listActivityFor = async (principal: Principal, orgId: string, page: { cursor?: string; limit: number }) => {
  assertMayManageMembers(principal, orgId);
  return listActivity(orgId, page);
};

/**
 * The sign-in first (its id is the membership's), then the membership; a membership that
 * cannot be written takes the sign-in back, so nobody can sign in without belonging.
 */
export const inviteMember = async (
  principal: Principal,
  orgId: string,
  input: InviteMemberInput,
  now = new Date(),
): Promise<Member> => {
  assertMayManageMembers(principal, orgId);
  const org = await getOrganization(orgId);
  if (org === undefined) throw new NotFoundError('ORG_NOT_FOUND', `Organization ${orgId} does not exist`);
  const email = normalizeEmail(input.email);
  const directory = identityDirectory();
  const { userId } = await directory.createUser({ email, name: input.name });
  const member: Member = {
    userId,
    orgId,
    role: org.role,
    email,
    name: input.name,
    orgAdmin: input.orgAdmin,
    status: 'active',
    createdAt: now.toISOString(),
  };
  try {
    await createMember(member);
  } catch (error) {
    await directory.deleteUser({ userId, email }).catch((cleanupError: unknown) =>
      logger.error('could not delete a sign-in after its membership failed', {
        orgId,
        userId,
        error: cleanupError instanceof Error ? cleanupError.name : String(cleanupError),
      }),
    );
    throw error;
  }
  return member;
};

/**
 * The membership first (its condition keeps the last org admin), then the sign-in. Once the
 * membership says removed, the person's tokens are refused (USER_REMOVED) and no new one is
 * issued, even should deleting the sign-in fail.
 */
export const removeMember = async (principal: Principal, orgId: string, userId: string, now = new Date()): Promise<Member> => {
  assertMayManageMembers(principal, orgId);
  const member = await getMember(orgId, userId);
  if (member === undefined || member.status !== 'active') {
    throw new NotFoundError('USER_NOT_FOUND', `User ${userId} is not a member of organization ${orgId}`);
  }
  const removed = await markMemberRemoved(member, now);
  await identityDirectory()
    .deleteUser({ userId, email: member.email })
    .catch((error: unknown) =>
      logger.error('membership removed, but its sign-in could not be deleted', {
        orgId,
        userId,
        error: error instanceof Error ? error.name : String(error),
      }),
    );
  return removed;
};
