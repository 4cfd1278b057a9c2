import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChainEntry } from '../custody/chain';
import type { RecordedEvent } from '../custody/epcis';
import type { Transition } from '../custody/rules';
import { type BizStep, type SubjectState, subjectIdOf } from '../custody/types';
import {
  batchGetAll,
  batchPutAll,
  decodeCursor,
  documentClient,
  encodeCursor,
  isConditionFailure,
  mainTableName,
  queryAll,
  type TransactItems,
  type TransactOutcome,
  transactWrite,
} from './dynamodb-client';

/**
 * Custody lives in three kinds of items:
 * - SUBJECT#{id} / STATE: the current state of a unit or container, written with a
 *   condition on its `revision`, so two concurrent events on it cannot both win;
 * - SUBJECT#{id} / CHAIN#{version}: one link of its hash chain per event on it;
 * - EVENT#{eventId} / EVENT: the event itself, once, whatever number of subjects it has.
 * An event and all its effects are one transaction: recorded whole or not at all.
 * Units packed in a container keep their own state; custody resolves through the parent,
 * so moving a container writes the container and nothing inside it.
 */
const stateKey = (subjectId: string) => ({ pk: `SUBJECT#${subjectId}`, sk: 'STATE' });
const linkKey = (subjectId: string, version: number) => ({
  pk: `SUBJECT#${subjectId}`,
  sk: `CHAIN#${String(version).padStart(8, '0')}`,
});
const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
/** An error declaration is stored beside the event it declares, never over it. */
const declarationKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'DECLARATION' });

/** Inventory index: what an organization holds (top level only) or has coming in. */
const inventoryIndex = (state: SubjectState): { gsi1pk?: string; gsi1sk?: string } => {
  if (state.parentId !== undefined) return {};
  if (state.status === 'held')
    return { gsi1pk: `CUSTODIAN#${state.custodianOrgId}`, gsi1sk: `${state.ref.kind}#${state.subjectId}` };
  if (state.status === 'in_transit' && state.receiverOrgId !== undefined) {
    return { gsi1pk: `INCOMING#${state.receiverOrgId}`, gsi1sk: `${state.ref.kind}#${state.subjectId}` };
  }
  return {};
};

export interface StoredState {
  state: SubjectState;
  /** Optimistic-concurrency counter of the item; 0 when no item exists yet. */
  revision: number;
}

/** Lot index: packed units only, so a lot recall reaches the containers that hold them. */
const lotIndex = (state: SubjectState): { gsi2pk?: string; gsi2sk?: string } =>
  state.ref.kind === 'unit' && state.parentId !== undefined
    ? { gsi2pk: `LOT#${state.ref.gtin}#${state.ref.lot}`, gsi2sk: state.subjectId }
    : {};

const stateItem = (state: SubjectState, revision: number) => ({
  ...stateKey(state.subjectId),
  type: 'subjectState',
  ...state,
  revision,
  ...inventoryIndex(state),
  ...lotIndex(state),
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

export type CommitOutcome = TransactOutcome;

export interface CommitInput {
  event: RecordedEvent;
  epcisJson: string;
  eventHash: string;
  transitions: Transition[];
  revisions: ReadonlyMap<string, number>;
}

/** Items in one event's transaction: the event, and per subject its state and its link. */
export const transactionItemCount = (transitions: readonly Transition[]): number =>
  1 + transitions.length + transitions.filter((t) => t.chained).length;

/** A subject's new state, written only if nobody changed it since we read it. */
const statePut = (TableName: string, state: SubjectState, revision: number): TransactItems[number] => ({
  Put: {
    TableName,
    Item: stateItem(state, revision + 1),
    ConditionExpression: revision === 0 ? 'attribute_not_exists(pk)' : 'revision = :revision',
    ...(revision === 0 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
  },
});

/** One link of a subject's chain; the fields after the hashes tell the custody story without the events. */
const linkPut = (
  TableName: string,
  transition: Transition,
  link: {
    kind: 'event' | 'declaration';
    eventId: string;
    eventHash: string;
    actorOrgId: string;
    eventTime: string;
    bizStep?: BizStep;
    parentId?: string;
  },
): TransactItems[number] => ({
  Put: {
    TableName,
    Item: {
      ...linkKey(transition.subjectId, transition.after.version),
      type: 'chainLink',
      previousEventHash: transition.before.headHash,
      stateBefore: transition.before,
      ...link,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at
 * that moment (TransactionConflict). For custody that is the same thing as a failed
 * condition: someone else changed a subject, so the caller reads again and judges again.
 */
const transactCustody = async (items: TransactItems): Promise<CommitOutcome> => {
  try {
    return await transactWrite(items);
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (
      error instanceof Error &&
      error.name === 'TransactionCanceledException' &&
      reasons.some((r) => r.Code === 'TransactionConflict')
    ) {
      return 'conflict';
    }
    throw error;
  }
};

export const commitEvent = async ({
  event,
  epcisJson,
  eventHash,
  transitions,
  revisions,
}: CommitInput): Promise<CommitOutcome> => {
  const TableName = mainTableName();
  const items: TransactItems = [
    {
      Put: {
        TableName,
        Item: {
          ...eventKey(event.eventId),
          type: 'custodyEvent',
          eventId: event.eventId,
          bizStep: event.bizStep,
          actorOrgId: event.actorOrgId,
          subjectIds: transitions.filter((t) => t.chained).map((t) => t.subjectId),
          epcis: epcisJson,
          eventHash,
          recordTime: event.recordTime,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  for (const transition of transitions) {
    items.push(statePut(TableName, transition.after, revisions.get(transition.subjectId) ?? 0));
    if (!transition.chained) continue;
    items.push(
      linkPut(TableName, transition, {
        kind: 'event',
        eventId: event.eventId,
        eventHash,
        bizStep: event.bizStep,
        actorOrgId: event.actorOrgId,
        eventTime: event.eventTime,
        ...(event.parent === undefined ? {} : { parentId: subjectIdOf(event.parent) }),
      }),
    );
  }
  return transactCustody(items);
};

/** An event that changes no chain (a whole-lot recall), kept for the record; once per id. */
export const putStandaloneEvent = async (input: {
  eventId: string;
  bizStep: BizStep;
  actorOrgId: string;
  epcisJson: string;
  eventHash: string;
  recordTime: string;
}): Promise<void> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...eventKey(input.eventId), type: 'custodyEvent', ...input, epcis: input.epcisJson, subjectIds: [] },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export interface StoredEvent {
  epcis: string;
  eventHash: string;
  bizStep: BizStep;
  actorOrgId: string;
  subjectIds: string[];
}

/** Read consistently: a copy of an event that just won a race must be seen as recorded. */
export const getRecordedEvent = async (eventId: string): Promise<StoredEvent | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: eventKey(eventId), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  return {
    epcis: String(Item.epcis),
    bizStep: Item.bizStep as BizStep,
    eventHash: String(Item.eventHash),
    actorOrgId: String(Item.actorOrgId),
    subjectIds: (Item.subjectIds as string[] | undefined) ?? [],
  };
};

export interface ChainLink {
  version: number;
  kind: 'event' | 'declaration';
  eventId: string;
  eventHash: string;
  previousEventHash: string;
  bizStep: BizStep;
  actorOrgId: string;
  eventTime: string;
  parentId?: string;
}

export const listChainLinks = async (subjectId: string): Promise<ChainLink[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `SUBJECT#${subjectId}`, ':prefix': 'CHAIN#' },
    ProjectionExpression: 'sk, kind, eventId, eventHash, previousEventHash, bizStep, actorOrgId, eventTime, parentId',
    ConsistentRead: true,
  });
  return items.map((item) => ({
    version: Number(String(item.sk).slice('CHAIN#'.length)),
    kind: item.kind === 'declaration' ? 'declaration' : 'event',
    eventId: String(item.eventId),
    eventHash: String(item.eventHash),
    previousEventHash: String(item.previousEventHash),
    bizStep: item.bizStep as BizStep,
    actorOrgId: String(item.actorOrgId),
    eventTime: String(item.eventTime),
    ...(typeof item.parentId === 'string' ? { parentId: item.parentId } : {}),
  }));
};

/** The chain of a subject: its links joined with the events (or declarations) they point at. */
export const loadChainEntries = async (subjectId: string, genesis: ChainEntry): Promise<ChainEntry[]> => {
  const links = await listChainLinks(subjectId);
  const documents = new Map<string, string>();
  const keyOf = (link: ChainLink) => (link.kind === 'declaration' ? declarationKey(link.eventId) : eventKey(link.eventId));
  const keys = [...new Map(links.map((link) => [JSON.stringify(keyOf(link)), keyOf(link)])).values()];
  for (const item of await batchGetAll(keys, { projection: 'pk, sk, epcis' })) {
    documents.set(`${String(item.pk)}|${String(item.sk)}`, String(item.epcis));
  }
  const entries: ChainEntry[] = [genesis];
  for (const link of links) {
    const key = keyOf(link);
    const epcis = documents.get(`${key.pk}|${key.sk}`);
    entries.push({
      event: epcis === undefined ? { missing: link.eventId } : (JSON.parse(epcis) as Record<string, unknown>),
      eventHash: link.eventHash,
      previousEventHash: link.previousEventHash,
    });
  }
  return entries;
};

/** One link with the state its subject had before it, for error declarations. */
export const getChainLink = async (
  subjectId: string,
  version: number,
): Promise<{ eventId: string; kind: 'event' | 'declaration'; stateBefore?: SubjectState } | undefined> => {
  if (version < 1) return undefined;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: linkKey(subjectId, version), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  return {
    eventId: String(Item.eventId),
    kind: Item.kind === 'declaration' ? 'declaration' : 'event',
    ...(Item.stateBefore === undefined ? {} : { stateBefore: Item.stateBefore as SubjectState }),
  };
};

export interface DeclarationCommit {
  eventId: string;
  declarationJson: string;
  declarationHash: string;
  actorOrgId: string;
  transitions: Transition[];
  revisions: ReadonlyMap<string, number>;
}

/** The declaration, and per subject its restored state and a chain link: one transaction. */
export const commitDeclaration = async (input: DeclarationCommit): Promise<CommitOutcome> => {
  const TableName = mainTableName();
  const items: TransactItems = [
    {
      Put: {
        TableName,
        Item: {
          ...declarationKey(input.eventId),
          type: 'errorDeclaration',
          eventId: input.eventId,
          actorOrgId: input.actorOrgId,
          epcis: input.declarationJson,
          eventHash: input.declarationHash,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  for (const transition of input.transitions) {
    items.push(
      statePut(TableName, transition.after, input.revisions.get(transition.subjectId) ?? 0),
      linkPut(TableName, transition, {
        kind: 'declaration',
        eventId: input.eventId,
        eventHash: input.declarationHash,
        actorOrgId: input.actorOrgId,
        eventTime: transition.before.lastEventTime,
      }),
    );
  }
  return transactCustody(items);
};

/** Units of a lot that sit in containers now. */
export const listPackedUnitsOfLot = async (gtin: string, lot: string): Promise<SubjectState[]> =>
  (
    await queryAll({
      TableName: mainTableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `LOT#${gtin}#${lot}` },
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
  const gsi1pk = `${which === 'held' ? 'CUSTODIAN' : 'INCOMING'}#${orgId}`;
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      Limit: options.limit ?? 100,
      ExclusiveStartKey: decodeCursor(options.cursor, {
        exact: { gsi1pk, sk: 'STATE' },
        prefixed: { gsi1sk: '', pk: 'SUBJECT#' },
      }),
    }),
  );
  return { items: (page.Items ?? []).map((item) => toState(item).state), cursor: encodeCursor(page.LastEvaluatedKey) };
};
