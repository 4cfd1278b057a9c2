/**
 * Organizations by province and role, on the owner index: createOrganization writes the
 * index keys on the organization item itself, and backfillOrgRegionIndex adds them to
 * organizations registered before the listing existed, and files those in the partner
 * directory (partner-directory-repository.ts) too.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll, documentClient, isConditionFailure, mainTableName, queryAll } from '#kernel/db/dynamodb-client';
import { orgKey, orgRegionIndexKey, orgsOfRegionPartition } from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import type { Organization } from '../domain/registry';
import { partnerDirectoryPuts } from './partner-directory-repository';

/** The ids of a province's organizations of one role, oldest first. */
export const listOrganizationIdsOfRegion = async (province: string, role: Organization['role']): Promise<string[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    IndexName: INDEXES.byOwner,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': orgsOfRegionPartition(province, role) },
    ProjectionExpression: 'id',
  });
  return items.map((item) => String(item.id));
};

export interface BackfillPage {
  updated: number;
  /** Where to resume (DynamoDB's LastEvaluatedKey), or undefined when the table is done. */
  next?: Record<string, unknown>;
}

/**
 * One page of the back-fill. A migration over items that no index lists yet is the one
 * place a Scan is right: it runs once, by an operator, and resumes from `start`.
 */
export const backfillOrgRegionIndexPage = async (start: Record<string, unknown> | undefined): Promise<BackfillPage> => {
  const page = await documentClient.send(
    new ScanCommand({
      TableName: mainTableName(),
      FilterExpression: '#type = :org',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':org': 'org' },
      ExclusiveStartKey: start,
      Limit: 500,
    }),
  );
  let updated = 0;
  const orgs = (page.Items ?? []) as unknown as Organization[];
  // Directory items are keyed by the organization and its name: putting them again changes nothing.
  await batchPutAll(orgs.flatMap((org) => partnerDirectoryPuts(mainTableName(), org).map((put) => put.Put.Item)));
  for (const item of page.Items ?? []) {
    if (item.gsi1pk !== undefined) continue;
    const org = item as unknown as Organization;
    const index = orgRegionIndexKey(org);
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: mainTableName(),
          Key: orgKey(org.id),
          UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
          // Idempotent: an organization indexed meanwhile (or by an earlier run) is left alone.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi1pk)',
          ExpressionAttributeValues: { ':pk': index.gsi1pk, ':sk': index.gsi1sk },
        }),
      );
      updated += 1;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return { updated, ...(page.LastEvaluatedKey === undefined ? {} : { next: page.LastEvaluatedKey }) };
};
