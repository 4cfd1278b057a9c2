/**
 * The partner directory's items (item-keys.ts partnerDirectoryKey): written with the
 * organization in createOrganization's transaction, read one partition per query.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { partnerDirectoryKey, partnerDirectoryPartition } from '#kernel/db/item-keys';
import { DIRECTORY_ROLES, directoryBucket, directoryTerms } from '../domain/partner-directory';
import type { Organization } from '../domain/registry';

export interface DirectoryEntry {
  id: string;
  name: string;
  role: Organization['role'];
  region: string;
}

/** Puts for a new organization's directory items (none for roles the directory does not list). */
export const partnerDirectoryPuts = (TableName: string, org: Organization) =>
  DIRECTORY_ROLES.has(org.role)
    ? directoryTerms(org.name).map((term) => ({
        Put: {
          TableName,
          Item: {
            ...partnerDirectoryKey(directoryBucket(term), term, org.id),
            type: 'partnerDirectory',
            id: org.id,
            name: org.name,
            role: org.role,
            region: org.region,
          },
        },
      }))
    : [];

/**
 * Entries whose filed terms start with `query` (already read by directoryQuery), in term
 * order, each organization once: at most `limit`, and whether more matched. One Query,
 * bounded: an organization is filed under a few terms, so a few times `limit` items hold
 * `limit + 1` organizations.
 */
export const searchPartnerDirectory = async (
  query: string,
  limit: number,
): Promise<{ entries: DirectoryEntry[]; more: boolean }> => {
  const { Items = [], LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :query)',
      ExpressionAttributeValues: { ':pk': partnerDirectoryPartition(directoryBucket(query)), ':query': query },
      ProjectionExpression: 'id, #name, #role, #region',
      ExpressionAttributeNames: { '#name': 'name', '#role': 'role', '#region': 'region' },
      Limit: (limit + 1) * 4,
    }),
  );
  const byId = new Map<string, DirectoryEntry>();
  for (const item of Items) {
    const entry = item as DirectoryEntry;
    if (!byId.has(entry.id)) byId.set(entry.id, { id: entry.id, name: entry.name, role: entry.role, region: entry.region });
  }
  const entries = [...byId.values()];
  return { entries: entries.slice(0, limit), more: entries.length > limit || LastEvaluatedKey !== undefined };
};
