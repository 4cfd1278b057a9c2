import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { countAll, documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { EVENT_TIME_BUCKETS, eventOrderKey, eventTimePartition } from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';

/** Sorts after every event id, so `<time>` + this is past every event recorded at that instant. */
const AFTER_EVERY_ID = '\uffff';

const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (
    const day = new Date(`${from.slice(0, 10)}T00:00:00.000Z`);
    day.toISOString() <= to;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
};

/**
 * How many events were recorded after `after` and no later than `until` (both ISO instants),
 * and the newest one's record time, from the time index's keys alone: per day bucket one
 * COUNT query and one newest-first query of a single key. Meant for short spans (the
 * checkpoint's settle margin): it costs two queries per bucket of every day in the span.
 */
export const countEventsRecordedBetween = async (after: string, until: string): Promise<{ count: number; newest?: string }> => {
  if (until <= after) return { count: 0 };
  const low = eventOrderKey(after, AFTER_EVERY_ID);
  const high = eventOrderKey(until, AFTER_EVERY_ID);
  const query = {
    TableName: mainTableName(),
    IndexName: INDEXES.byRecordTime,
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :low AND :high',
  };
  const perBucket = daysBetween(after, until).flatMap((day) =>
    Array.from({ length: EVENT_TIME_BUCKETS }, async (_, bucket) => {
      const values = { ':pk': eventTimePartition(day, bucket), ':low': low, ':high': high };
      const count = await countAll({ ...query, ExpressionAttributeValues: values });
      if (count === 0) return { count };
      const { Items } = await documentClient.send(
        new QueryCommand({
          ...query,
          ExpressionAttributeValues: values,
          ProjectionExpression: 'gsi3sk',
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      const sortKey = Items?.[0]?.gsi3sk;
      return { count, newest: typeof sortKey === 'string' ? sortKey.slice(0, sortKey.indexOf('#')) : undefined };
    }),
  );
  let count = 0;
  let newest: string | undefined;
  for (const bucket of await Promise.all(perBucket)) {
    count += bucket.count;
    if (bucket.newest !== undefined && (newest === undefined || bucket.newest > newest)) newest = bucket.newest;
  }
  return newest === undefined ? { count } : { count, newest };
};
