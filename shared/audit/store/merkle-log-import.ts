import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { auditLogStateKey } from '#kernel/db/item-keys';
import {
  type AppendEntry,
  chunkItemsOf,
  LogBusyError,
  type LogState,
  leafPointerItem,
  leavesFromChunkStart,
  stateAdvance,
} from './merkle-log-repository';

/**
 * Bulk loading of a large run of leaves into a log only the caller writes (it holds the
 * lease): restoring a log from the archive, or a generated history of a million events for
 * `npm run bench`. It writes the very items appendLeaves writes, but in parallel batch writes
 * instead of one transaction per 64 leaves (about 900 leaves a second on DynamoDB Local), and
 * moves the state on last, conditioned on the lease and the size as an append is. A run that
 * dies midway leaves items past the state's size and nothing pointing at them; running the
 * same import again from the same state overwrites them (the leaf pointers are written
 * unconditionally here, which is why this is for a log nobody else appends to).
 */
export const importLeaves = async (
  owner: string,
  state: LogState,
  entries: readonly AppendEntry[],
  options: { lanes?: number } = {},
): Promise<LogState> => {
  const last = entries.at(-1);
  if (last === undefined) return state;
  // Checked before anything is written: the final update's condition alone would leave a
  // stranger's pointers behind, and an honest append of those events would then be refused.
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: auditLogStateKey, ConsistentRead: true }),
  );
  if (Item?.leaseOwner !== owner || Number(Item.leaseUntil) <= Date.now() || Number(Item.size) !== state.size)
    throw new LogBusyError();
  const { firstChunk, leaves, ids } = await leavesFromChunkStart(state, entries);
  const items = [...chunkItemsOf(firstChunk, leaves, ids), ...entries.map((entry, i) => leafPointerItem(entry, state.size + i))];
  const lanes = options.lanes ?? 8;
  const share = Math.ceil(items.length / lanes);
  await Promise.all(Array.from({ length: lanes }, (_, lane) => batchPutAll(items.slice(lane * share, (lane + 1) * share))));
  try {
    await documentClient.send(new UpdateCommand(stateAdvance(owner, state, entries)));
  } catch (error) {
    if (isConditionFailure(error)) throw new LogBusyError();
    throw error;
  }
  return { size: state.size + entries.length, last: { recordTime: last.recordTime, eventId: last.eventId } };
};
