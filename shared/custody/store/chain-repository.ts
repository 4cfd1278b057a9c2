/**
 * Hash chains: SUBJECT#{id} / CHAIN#{version}, one link per event (or error declaration)
 * on a subject. A link records the hash of the previous event on the same subject and the
 * state the subject had before, so a chain can be checked and a declaration can restore it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, mainTableName, queryAll, type TransactItems } from '#kernel/db/dynamodb-client';
import {
  CHAIN_LINK_PREFIX,
  chainLinkKey,
  chainLinkVersion,
  declarationKey,
  eventKey,
  subjectPartition,
} from '#kernel/db/item-keys';
import type { ChainEntry } from '../domain/chain';
import type { BizStep, SubjectState } from '../domain/types';

/**
 * What the store needs of one subject's change: custody's Transition has this shape, and
 * the store depends on the shape only, never on the rules that compute it.
 */
export interface SubjectWrite {
  subjectId: string;
  before: SubjectState;
  after: SubjectState;
  /** False for state-only changes (flags) that add no event to the subject's chain. */
  chained: boolean;
}

export interface LinkFields {
  kind: 'event' | 'declaration';
  eventId: string;
  eventHash: string;
  actorOrgId: string;
  eventTime: string;
  bizStep?: BizStep;
  parentId?: string;
}

/** One link of a subject's chain; the fields after the hashes tell the custody story without the events. */
export const linkPut = (TableName: string, write: SubjectWrite, link: LinkFields): TransactItems[number] => ({
  Put: {
    TableName,
    Item: {
      ...chainLinkKey(write.subjectId, write.after.version),
      type: 'chainLink',
      previousEventHash: write.before.headHash,
      stateBefore: write.before,
      ...link,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

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
    ExpressionAttributeValues: { ':pk': subjectPartition(subjectId), ':prefix': CHAIN_LINK_PREFIX },
    ProjectionExpression: 'sk, kind, eventId, eventHash, previousEventHash, bizStep, actorOrgId, eventTime, parentId',
    ConsistentRead: true,
  });
  return items.map((item) => ({
    version: chainLinkVersion(String(item.sk)),
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
    new GetCommand({ TableName: mainTableName(), Key: chainLinkKey(subjectId, version), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  return {
    eventId: String(Item.eventId),
    kind: Item.kind === 'declaration' ? 'declaration' : 'event',
    ...(Item.stateBefore === undefined ? {} : { stateBefore: Item.stateBefore as SubjectState }),
  };
};
