/**
 * Custody events: EVENT#{eventId} / EVENT, the event itself, once, whatever number of
 * subjects it has, and EVENT#{eventId} / DECLARATION for an error declaration about it.
 * An event and all its effects (per subject its state, subject-state-repository.ts, and
 * its chain link, chain-repository.ts) are one transaction: recorded whole or not at all.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  documentClient,
  isConditionFailure,
  mainTableName,
  type TransactItems,
  type TransactOutcome,
  transactWrite,
} from '#kernel/db/dynamodb-client';
import { declarationKey, eventKey } from '#kernel/db/item-keys';
import type { RecordedEvent } from '../domain/epcis';
import type { EventAudience } from '../domain/event-audience';
import { type BizStep, subjectIdOf } from '../domain/types';
import { linkPut, type SubjectWrite } from './chain-repository';
import { audienceOfItem, eventIndexAttributes } from './event-index-repository';
import { statePut } from './subject-state-repository';

export type CommitOutcome = TransactOutcome;

export interface CommitInput {
  event: RecordedEvent;
  epcisJson: string;
  eventHash: string;
  /** How the event's id was computed (records without one have a legacy id). */
  idAlgorithm: string;
  transitions: SubjectWrite[];
  revisions: ReadonlyMap<string, number>;
  /** Who the event concerns: its time-index key and audience go on the event item itself. */
  audience: EventAudience;
}

/** Items in one event's transaction: the event, and per subject its state and its link. */
export const transactionItemCount = (transitions: readonly SubjectWrite[]): number =>
  1 + transitions.length + transitions.filter((t) => t.chained).length;

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
  idAlgorithm,
  transitions,
  revisions,
  audience,
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
          // Each chained subject's link, in subjectIds' order: an export then carries the
          // links, and a regulator checks the chains from the export alone.
          previousEventHashes: transitions.filter((t) => t.chained).map((t) => t.before.headHash),
          epcis: epcisJson,
          eventHash,
          idAlgorithm,
          recordTime: event.recordTime,
          ...eventIndexAttributes(event.eventId, event.recordTime, audience),
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
  idAlgorithm: string;
  recordTime: string;
  audience: EventAudience;
}): Promise<void> => {
  const { audience, ...fields } = input;
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: {
          ...eventKey(input.eventId),
          type: 'custodyEvent',
          ...fields,
          epcis: input.epcisJson,
          subjectIds: [],
          ...eventIndexAttributes(input.eventId, input.recordTime, audience),
        },
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
  recordTime?: string;
  /** Absent on events recorded before the event indexes (until the migration gives it). */
  audience?: EventAudience;
  /** Its facet rows were not confirmed written (the call died after the commit). */
  indexRowsPending: boolean;
}

/** Read consistently: a copy of an event that just won a race must be seen as recorded. */
export const getRecordedEvent = async (eventId: string): Promise<StoredEvent | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: eventKey(eventId), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  const audience = typeof Item.gsi3pk === 'string' ? audienceOfItem(Item) : undefined;
  return {
    epcis: String(Item.epcis),
    bizStep: Item.bizStep as BizStep,
    eventHash: String(Item.eventHash),
    actorOrgId: String(Item.actorOrgId),
    subjectIds: (Item.subjectIds as string[] | undefined) ?? [],
    ...(typeof Item.recordTime === 'string' ? { recordTime: Item.recordTime } : {}),
    ...(audience === undefined ? {} : { audience }),
    indexRowsPending: Item.indexRows !== undefined,
  };
};

export interface DeclarationCommit {
  eventId: string;
  declarationJson: string;
  declarationHash: string;
  actorOrgId: string;
  transitions: SubjectWrite[];
  revisions: ReadonlyMap<string, number>;
  /** The declaration's own record time: it is indexed as an event of its own. */
  recordTime: string;
  /** The declared event's audience: whoever could read the event reads its declaration. */
  audience: EventAudience;
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
          subjectIds: input.transitions.map((t) => t.subjectId),
          previousEventHashes: input.transitions.map((t) => t.before.headHash),
          recordTime: input.recordTime,
          ...eventIndexAttributes(input.eventId, input.recordTime, input.audience),
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
