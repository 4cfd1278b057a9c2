/**
 * A regulator's registered inspectors. Registration writes the inspector and a claim on its
 * name's key in one transaction, so two concurrent registrations of one name cannot both
 * succeed. Nothing is deleted: a deactivated inspector keeps its id, name and claim.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, isConditionFailure, mainTableName, queryAll } from '#kernel/db/dynamodb-client';
import { INSPECTOR_PREFIX, inspectorKey, inspectorNameClaimKey, inspectorsPartition } from '#kernel/db/item-keys';
import { ConflictError, NotFoundError } from '#kernel/errors';

export interface Inspector {
  id: string;
  regulatorOrgId: string;
  name: string;
  active: boolean;
  createdAt: string;
  deactivatedAt?: string;
}

const toInspector = (item: Record<string, unknown>): Inspector => ({
  id: item.id as string,
  regulatorOrgId: item.regulatorOrgId as string,
  name: item.name as string,
  active: item.active as boolean,
  createdAt: item.createdAt as string,
  ...(item.deactivatedAt === undefined ? {} : { deactivatedAt: item.deactivatedAt as string }),
});

export const putInspector = async (inspector: Inspector, nameKey: string): Promise<void> => {
  const TableName = mainTableName();
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: {
                ...inspectorNameClaimKey(inspector.regulatorOrgId, nameKey),
                type: 'inspectorName',
                inspectorId: inspector.id,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName,
              Item: { ...inspectorKey(inspector.regulatorOrgId, inspector.id), type: 'inspector', ...inspector },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('INSPECTOR_NAME_TAKEN', 'You have already registered an inspector of this name');
    }
    throw error;
  }
};

export const listInspectors = async (regulatorOrgId: string): Promise<Inspector[]> =>
  (
    await queryAll({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': inspectorsPartition(regulatorOrgId), ':prefix': INSPECTOR_PREFIX },
      ConsistentRead: true,
    })
  ).map(toInspector);

/** The regulator's inspectors among `ids` that exist (in no particular order). */
export const getInspectors = async (regulatorOrgId: string, ids: readonly string[]): Promise<Inspector[]> =>
  (
    await batchGetAll(
      ids.map((id) => inspectorKey(regulatorOrgId, id)),
      { consistentRead: true },
    )
  ).map(toInspector);

export const deactivateInspector = async (regulatorOrgId: string, id: string, at: string): Promise<Inspector> => {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: inspectorKey(regulatorOrgId, id),
        UpdateExpression: 'SET active = :false, deactivatedAt = if_not_exists(deactivatedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':false': false, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toInspector(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw new NotFoundError('INSPECTOR_NOT_FOUND', `You have no inspector ${id}`);
    throw error;
  }
};
