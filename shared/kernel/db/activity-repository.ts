import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../auth/principal';
import { decodeCursor, encodeCursor } from './cursors';
import { documentClient, mainTableName } from './dynamodb-client';
import { activityKey, activityPartition } from './item-keys';

/**
 * Who did what in an organization: one item per successful write through the API, by a
 * person or an API client of the organization, in the organization's activity partition,
 * read newest first. Written by the HTTP middleware (shared/kernel/http/activity.ts) after
 * the handler answered, so it costs each write request one PutItem and reads nothing.
 */
export interface ActivityEntry {
  orgId: string;
  /** ISO time the request was answered. */
  at: string;
  actor: Actor;
  /** The route's operationId (`createBatch`, `inviteOrganizationUser`, ...). */
  operation: string;
  /** The path parameters the request named (`{ gtin, lot }`), and what it created (its Location). */
  resources: Record<string, string>;
  location?: string;
  requestId: string;
}

/** A year of who did what, then DynamoDB's TTL removes it for free. */
const RETENTION_SECONDS = 366 * 86_400;

export const putActivity = async (entry: ActivityEntry): Promise<void> => {
  await documentClient.send(
    new PutCommand({
      TableName: mainTableName(),
      Item: {
        ...activityKey(entry.orgId, entry.at, entry.requestId),
        type: 'activity',
        ...entry,
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + RETENTION_SECONDS,
      },
    }),
  );
};

const entryOf = (item: Record<string, unknown>): ActivityEntry => {
  const { orgId, at, actor, operation, resources, location, requestId } = item as unknown as ActivityEntry;
  return { orgId, at, actor, operation, resources: resources ?? {}, ...(location === undefined ? {} : { location }), requestId };
};

export const listActivity = async (
  orgId: string,
  page: { cursor?: string; limit: number },
): Promise<{ items: ActivityEntry[]; cursor?: string }> => {
  const partition = activityPartition(orgId);
  const cursorShape = { listing: 'activity', exact: { pk: partition }, prefixed: { sk: '' } };
  const result = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: await decodeCursor(page.cursor, cursorShape),
    }),
  );
  return { items: (result.Items ?? []).map(entryOf), cursor: await encodeCursor(result.LastEvaluatedKey, cursorShape) };
};
