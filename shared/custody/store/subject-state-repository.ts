/**
 * Custody states: SUBJECT#{id} / STATE, the current state of a unit or container, written
 * with a condition on its `revision` so two concurrent events on it cannot both win. Units
 * packed in a container keep their own state; custody resolves through the parent, so
 * moving a container writes the container and nothing inside it.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGetAll,
  batchPutAll,
  documentClient,
  mainTableName,
  queryAll,
  queryIndexPage,
  type TransactItems,
} from '#kernel/db/dynamodb-client';
import {
  inventoryIndexKey,
  inventoryPartition,
  lotIndexKey,
  lotPartition,
  STATE_SORT_KEY,
  stateKey,
  subjectPartition,
} from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import type { SubjectState } from '../domain/types';

export interface StoredState {
  state: SubjectState;
  /** Optimistic-concurrency counter of the item; 0 when no item exists yet. */
  revision: number;
}

const stateItem = (state: SubjectState, revision: number) => ({
  ...stateKey(state.subjectId),
  type: 'subjectState',
  ...state,
  revision,
  ...inventoryIndexKey(state),
  ...lotIndexKey(state),
});

const toState = (item: Record<string, unknown>): StoredState => {
  const { pk: _pk, sk: _sk, type: _type, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, revision, ...state } = item;
  return { state: state as unknown as SubjectState, revision: Number(revision) };
};

export const getStates = async (subjectIds: readonly string[]): Promise<Map<string, StoredState>> => {
  const found = new Map<string, StoredState>();
  for (const item of await batchGetAll([...new Set(subjectIds)].map(stateKey), { consistentRead: true })) {
    const stored = toState(item);
    found.set(stored.state.subjectId, stored);
  }
  return found;
};

export const getState = async (subjectId: string): Promise<StoredState | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: stateKey(subjectId), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : toState(Item);
};

/** New containers' states, written once at issuance; their references are fresh, so no condition. */
export const createContainerStates = async (states: SubjectState[]): Promise<void> =>
  batchPutAll(states.map((state) => stateItem(state, 1)));

/** A subject's new state, written only if nobody changed it since we read it (`revision`). */
export const statePut = (TableName: string, state: SubjectState, revision: number): TransactItems[number] => ({
  Put: {
    TableName,
    Item: stateItem(state, revision + 1),
    ConditionExpression: revision === 0 ? 'attribute_not_exists(pk)' : 'revision = :revision',
    ...(revision === 0 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
  },
});

/** Units of a lot that sit in containers now. */
export const listPackedUnitsOfLot = async (gtin: string, lot: string): Promise<SubjectState[]> =>
  (
    await queryAll({
      TableName: mainTableName(),
      IndexName: INDEXES.byLot,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': lotPartition(gtin, lot) },
    })
  ).map((item) => toState(item).state);

/** Stops a container: something inside it was recalled. Monotonic, so no version check. */
export const flagContainerRecalled = async (subjectId: string): Promise<void> => {
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: stateKey(subjectId),
      UpdateExpression: 'SET containsRecalled = :t ADD revision :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':t': true, ':one': 1 },
    }),
  );
};

export interface InventoryPage {
  items: SubjectState[];
  cursor?: string;
}

export const listInventory = async (
  orgId: string,
  which: 'held' | 'incoming',
  options: { cursor?: string; limit?: number } = {},
): Promise<InventoryPage> => {
  const gsi1pk = inventoryPartition(which, orgId);
  const page = await queryIndexPage({
    indexName: INDEXES.byOwner,
    partition: { attribute: 'gsi1pk', value: gsi1pk },
    cursor: options.cursor,
    cursorShape: {
      listing: 'inventory',
      exact: { gsi1pk, sk: STATE_SORT_KEY },
      prefixed: { gsi1sk: '', pk: subjectPartition('') },
    },
    limit: options.limit ?? 100,
  });
  return { items: page.items.map((item) => toState(item).state), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
};
