import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContainerKind } from '#kernel/codes/sscc';
import { cancelledConditionIndexes, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { rangeCounterKey, referenceCounterKey, sharedRangeKey } from '#kernel/db/item-keys';
import { ConflictError } from '#kernel/errors';

/**
 * SSCC reference counters. Each organization counts its own references, one counter per
 * container kind (the kind is the SSCC's extension digit, so the two never meet), and a
 * counter never passes its range's capacity: running out is a 409, never a wrap-around
 * into someone else's SSCCs. Organizations without a GS1 prefix of their own are handed a
 * shared range of TraceSeal's prefix, in order, from one range counter.
 */
/** Range 0 holds what the single global counter issued before ranges existed. */
const FIRST_SHARED_RANGE = 1;

/**
 * Reserves `count` consecutive references of the organization's range for one kind and
 * returns the offset of the first within the range (0-based).
 */
export const reserveContainerReferences = async (
  orgId: string,
  kind: ContainerKind,
  count: number,
  capacity: number,
): Promise<number> => {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const exhausted = (used: number) =>
    new ConflictError(
      'SSCC_RANGE_EXHAUSTED',
      `Your SSCC range for ${kind}s has ${Math.max(0, capacity - used)} references left; ${count} were asked for`,
      { kind, capacity, remaining: Math.max(0, capacity - used) },
    );
  if (count > capacity) throw exhausted(0);
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: referenceCounterKey(orgId, kind),
        UpdateExpression: 'ADD nextReference :count',
        ConditionExpression: 'attribute_not_exists(nextReference) OR nextReference <= :last',
        ExpressionAttributeValues: { ':count': count, ':last': capacity - count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number((Attributes as { nextReference?: number } | undefined)?.nextReference) - count;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: mainTableName(), Key: referenceCounterKey(orgId, kind), ConsistentRead: true }),
    );
    throw exhausted(Number(Item?.nextReference ?? 0));
  }
};

/**
 * The organization's shared range of TraceSeal's prefix, handed out on its first
 * container. The range counter moves only in the same transaction that records the
 * organization's range, so a race between two first calls never burns a range.
 */
export const getOrAssignSharedRange = async (orgId: string, rangeCount: number): Promise<number> => {
  const TableName = mainTableName();
  for (let attempt = 0; attempt < 10; attempt++) {
    // The counter first: a range of ours assigned before this read is seen by the next one, so
    // a counter past the last range never refuses an organization a concurrent call served.
    const { Item: counter } = await documentClient.send(
      new GetCommand({ TableName, Key: rangeCounterKey, ConsistentRead: true }),
    );
    const { Item: assigned } = await documentClient.send(
      new GetCommand({ TableName, Key: sharedRangeKey(orgId), ConsistentRead: true }),
    );
    if (assigned !== undefined) return Number(assigned.index);
    const next = counter === undefined ? FIRST_SHARED_RANGE : Number(counter.nextRange);
    if (next > rangeCount) {
      throw new ConflictError(
        'SSCC_RANGES_EXHAUSTED',
        "Every shared SSCC range of TraceSeal's company prefix is taken; register your own GS1 company prefix",
      );
    }
    try {
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: rangeCounterKey,
                UpdateExpression: 'SET nextRange = :after',
                ConditionExpression: counter === undefined ? 'attribute_not_exists(pk)' : 'nextRange = :next',
                ExpressionAttributeValues: { ':after': next + 1, ...(counter === undefined ? {} : { ':next': next }) },
              },
            },
            {
              Put: {
                TableName,
                Item: { ...sharedRangeKey(orgId), type: 'ssccRange', index: next },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return next;
    } catch (error) {
      // Either another organization took this range or a concurrent call of ours got one: read again.
      if (cancelledConditionIndexes(error).length === 0 && !isConditionFailure(error)) throw error;
    }
  }
  throw new Error('Could not assign a shared SSCC range after 10 attempts');
};
