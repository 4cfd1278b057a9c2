import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import { cancelledConditionIndexes, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { MEMBER_SORT_PREFIX, memberKey, membersPartition, orgAdminCountKey, userLinkKey } from '#kernel/db/item-keys';
import { ConflictError, NotFoundError } from '#kernel/errors';
import type { Member } from '../domain/members';

/**
 * Memberships: one item per person in its organization's partition, a link from the user id
 * to its organization, and the organization's count of active org admins. Removal keeps the
 * membership (status `removed`): items are never deleted, and who once belonged stays known.
 */
const memberOf = (item: Record<string, unknown>): Member => {
  const { userId, orgId, role, email, name, orgAdmin, status, createdAt, removedAt } = item as unknown as Member;
  return {
    userId,
    orgId,
    role,
    email,
    name,
    orgAdmin: orgAdmin === true,
    status,
    createdAt,
    ...(removedAt === undefined ? {} : { removedAt }),
  };
};

const adminCountChange = (TableName: string, orgId: string, by: 1 | -1) => ({
  Update: {
    TableName,
    Key: orgAdminCountKey(orgId),
    UpdateExpression: 'SET #type = :type ADD admins :by',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':type': 'orgAdmins', ':by': by, ...(by === -1 ? { ':one': 1 } : {}) },
    // The last org admin stays: a removal that would leave none fails here.
    ...(by === -1 ? { ConditionExpression: 'admins > :one' } : {}),
  },
});

export const createMember = async (member: Member): Promise<void> => {
  const TableName = mainTableName();
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { ...memberKey(member.orgId, member.userId), type: 'member', ...member },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName,
              Item: { ...userLinkKey(member.userId), type: 'userLink', orgId: member.orgId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...(member.orgAdmin ? [adminCountChange(TableName, member.orgId, 1)] : []),
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('USER_EXISTS', `User ${member.userId} already belongs to an organization`);
    }
    throw error;
  }
};

/** Strongly consistent: a removal is seen by the very next read. */
export const getMember = async (orgId: string, userId: string): Promise<Member | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: memberKey(orgId, userId), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : memberOf(Item);
};

/** The membership of a user id, whatever its organization (the pre-token trigger knows only the user). */
export const getMemberByUserId = async (userId: string): Promise<Member | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: userLinkKey(userId), ConsistentRead: true }),
  );
  const orgId = Item?.orgId;
  return typeof orgId === 'string' && orgId !== '' ? getMember(orgId, userId) : undefined;
};

export const listMembers = async (
  orgId: string,
  page: { cursor?: string; limit: number },
): Promise<{ items: Member[]; cursor?: string }> => {
  const partition = membersPartition(orgId);
  const cursorShape = { listing: 'members', exact: { pk: partition }, prefixed: { sk: MEMBER_SORT_PREFIX } };
  const result = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': MEMBER_SORT_PREFIX },
      ConsistentRead: true,
      Limit: page.limit,
      ExclusiveStartKey: await decodeCursor(page.cursor, cursorShape),
    }),
  );
  return { items: (result.Items ?? []).map(memberOf), cursor: await encodeCursor(result.LastEvaluatedKey, cursorShape) };
};

/** Marks the membership removed; an org admin's removal also takes one from the count, never the last. */
export const markMemberRemoved = async (member: Member, now: Date): Promise<Member> => {
  const TableName = mainTableName();
  const removedAt = now.toISOString();
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: memberKey(member.orgId, member.userId),
              UpdateExpression: 'SET #status = :removed, removedAt = :at',
              ConditionExpression: '#status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':removed': 'removed', ':active': 'active', ':at': removedAt },
            },
          },
          ...(member.orgAdmin ? [adminCountChange(TableName, member.orgId, -1)] : []),
        ],
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (cancelledConditionIndexes(error).includes(1)) {
      throw new ConflictError(
        'LAST_ORG_ADMIN',
        'An organization keeps at least one org admin: invite another before removing this one',
      );
    }
    throw new NotFoundError('USER_NOT_FOUND', `User ${member.userId} is not a member of organization ${member.orgId}`);
  }
  return { ...member, status: 'removed', removedAt };
};
