/**
 * People of organizations: who belongs where, and who may manage an organization's people.
 * A person belongs to exactly one organization, in that organization's role; an org admin
 * invites and removes its people and reads its activity. The service's admins (role
 * `admin`, person or API client) may do so for every organization.
 */
import { isOrgAdmin, type Principal } from '#kernel/auth/principal';
import { ForbiddenError } from '#kernel/errors';
import type { Role } from '#kernel/roles';

export const MEMBER_STATUSES = ['active', 'removed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface Member {
  /** The identity provider's id of the person: the `sub` of its tokens. */
  userId: string;
  orgId: string;
  /** The organization's role, which never changes: copied so one read says everything. */
  role: Role;
  email: string;
  name: string;
  orgAdmin: boolean;
  status: MemberStatus;
  createdAt: string;
  removedAt?: string;
}

export interface InviteMemberInput {
  email: string;
  name: string;
  orgAdmin: boolean;
}

/** Emails compare without case: one person, one address, however it was typed. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** What the console shows of who is signed in, and what the tokens carry. */
export const isCurrentMember = (member: Member | undefined, orgId: string, role: Role): member is Member =>
  member !== undefined && member.status === 'active' && member.orgId === orgId && member.role === role;

/** The service's admins for every organization; otherwise a person who is an org admin of this one. */
export const mayManageMembers = (principal: Principal, orgId: string): boolean =>
  principal.role === 'admin' || (principal.orgId === orgId && isOrgAdmin(principal));

export const assertMayManageMembers = (principal: Principal, orgId: string): void => {
  if (mayManageMembers(principal, orgId)) return;
  throw principal.orgId === orgId
    ? new ForbiddenError('NOT_ORG_ADMIN', "Only the organization's admins manage its people and read its activity")
    : new ForbiddenError('NOT_YOUR_ORGANIZATION', 'You can only manage the people of your own organization');
};
