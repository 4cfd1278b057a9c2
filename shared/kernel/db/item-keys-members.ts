/**
 * People of organizations and what they and the organizations' API clients did.
 *
 * A membership lives in its organization's partition, so the authorizer reads it with one
 * GetItem by the token's `org_id` and `sub` (a forged `org_id` finds nothing) and an
 * organization's people are one Query, strongly consistent. The user link says which
 * organization a user id belongs to, for the pre-token trigger, which knows only the user.
 */
import type { ItemKey } from './item-key';

export const MEMBER_SORT_PREFIX = 'USER#';
export const membersPartition = (orgId: string): string => `ORG#${orgId}`;
export const memberKey = (orgId: string, userId: string): ItemKey => ({
  pk: membersPartition(orgId),
  sk: `${MEMBER_SORT_PREFIX}${userId}`,
});
export const userLinkKey = (userId: string): ItemKey => ({ pk: `USER#${userId}`, sk: 'USER' });
/** How many active org admins an organization has: removing the last one fails its condition. */
export const orgAdminCountKey = (orgId: string): ItemKey => ({ pk: `ORG#${orgId}`, sk: 'ORG_ADMINS' });

/**
 * An organization's activity: one item per successful write, newest last by sort key
 * (`<ISO time>#<request id>`), read newest first.
 */
export const activityPartition = (orgId: string): string => `ACTIVITY#${orgId}`;
export const activityKey = (orgId: string, at: string, requestId: string): ItemKey => ({
  pk: activityPartition(orgId),
  sk: `${at}#${requestId}`,
});
