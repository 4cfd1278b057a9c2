/**
 * A batch lives in its product's partition under its lot, so a scan (which knows GTIN
 * and lot from the code) reads it with one GetItem and the lot is unique by construction.
 * A small pointer item serves lookups by batch id. Codes are stored in chunks of
 * CODE_CHUNK_SIZE so that issuing 10,000 codes costs a handful of writes, not 10,000.
 * Kept as one file (over 300 lines): batches, their pointers and their chunks share keys and transactions.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import {
  batchPutAll,
  cancelledConditionIndexes,
  documentClient,
  isConditionFailure,
  mainTableName,
  queryAll,
  queryIndexPage,
} from '#kernel/db/dynamodb-client';
import {
  BATCH_SORT_PREFIX,
  batchesOfOrgPartition,
  batchKey,
  batchOwnerIndexKey,
  batchPartition,
  batchPointerKey,
  CODE_CHUNK_PREFIX,
  codeChunkKey,
  idempotencyKey,
  productPartition,
} from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import { ConflictError } from '#kernel/errors';
import { type JobCreation, JobSlotsFullError, takeSlotItem } from '#kernel/jobs/job-slot-repository';
import type { Batch, IssuedCode } from '../domain/issuance';

export const CODE_CHUNK_SIZE = 1000;
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyClaim {
  orgId: string;
  key: string;
  /** Hash of the request body: the same key with another body is a client bug. */
  requestHash: string;
}

export interface IdempotencyRecord {
  batchId: string;
  requestHash: string;
}

const toBatch = (item: Record<string, unknown>): Batch => {
  const b = item as unknown as Batch;
  return {
    id: b.id,
    gtin: b.gtin,
    lot: b.lot,
    ownerOrgId: b.ownerOrgId,
    productionDate: b.productionDate,
    count: b.count,
    firstSequence: b.firstSequence,
    testReportRef: b.testReportRef,
    ...(b.intendedMarkets === undefined ? {} : { intendedMarkets: b.intendedMarkets }),
    status: b.status,
    createdAt: b.createdAt,
    recalledAt: b.recalledAt,
    recallReason: b.recallReason,
    ...(b.spotCheck === undefined ? {} : { spotCheck: b.spotCheck }),
  };
};

/**
 * Writes the batch, its id pointer, the idempotency claim and (for a job) the job's item
 * (issuance-job-repository.ts newIssuanceJobItem) in one transaction.
 */
export const createBatch = async (batch: Batch, claim?: IdempotencyClaim, job?: JobCreation): Promise<void> => {
  const TableName = mainTableName();
  const items = [
    {
      Put: {
        TableName,
        Item: { ...batchKey(batch.gtin, batch.lot), type: 'batch', ...batch, ...batchOwnerIndexKey(batch) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName,
        Item: { ...batchPointerKey(batch.id), type: 'batchPointer', gtin: batch.gtin, lot: batch.lot },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  if (claim !== undefined) {
    items.push({
      Put: {
        TableName,
        Item: {
          ...idempotencyKey(claim.orgId, claim.key),
          type: 'idempotency',
          batchId: batch.id,
          requestHash: claim.requestHash,
          expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        } as never,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  // Last: the job (unconditional: its key is under the new batch id) and the slot it takes.
  const slotIndex = job === undefined ? -1 : items.length + 1;
  if (job !== undefined) items.push({ Put: { TableName, Item: job.item } } as never, takeSlotItem(job.slot, batch.id) as never);
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failed = cancelledConditionIndexes(error);
    if (failed.includes(2)) {
      throw new ConflictError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key was just accepted; retry');
    }
    if (failed.includes(0)) {
      throw new ConflictError('LOT_EXISTS', `Lot ${batch.lot} of GTIN ${batch.gtin} already has a batch`);
    }
    // After the key: a same-key retry that lost the race is a replay, never a refusal.
    if (failed.includes(slotIndex)) throw new JobSlotsFullError(job?.slot.kind ?? 'issuance');
    throw error;
  }
};

export const getIdempotencyRecord = async (orgId: string, key: string): Promise<IdempotencyRecord | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: idempotencyKey(orgId, key), ConsistentRead: true }),
  );
  if (Item === undefined || Number(Item.expiresAt) * 1000 < Date.now()) return undefined;
  return { batchId: String(Item.batchId), requestHash: String(Item.requestHash) };
};

export const getBatchByLot = async (gtin: string, lot: string): Promise<Batch | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: batchKey(gtin, lot), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : toBatch(Item);
};

/**
 * The lot of a product whose sequence range holds `sequence`: for a unit named without its
 * lot (an EPC URN, the lot-less EPC of EPCIS answers). One query of the product's own
 * partition, whose lots are its production runs; only a lot's range is read.
 */
export const findLotHoldingSequence = async (gtin: string, sequence: number): Promise<string | undefined> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lot)',
    FilterExpression: 'firstSequence <= :sequence',
    ProjectionExpression: 'lot, firstSequence, #count',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: { ':pk': productPartition(gtin), ':lot': BATCH_SORT_PREFIX, ':sequence': sequence },
  });
  const holder = items.find((item) => sequence < Number(item.firstSequence) + Number(item.count));
  return holder === undefined ? undefined : String(holder.lot);
};

export const getBatchById = async (id: string): Promise<Batch | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: batchPointerKey(id) }));
  if (Item === undefined) return undefined;
  return getBatchByLot(String(Item.gtin), String(Item.lot));
};

export const markBatchIssued = async (batch: Batch): Promise<void> => {
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: batchKey(batch.gtin, batch.lot),
      UpdateExpression: 'SET #status = :issued',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':issued': 'issued' },
    }),
  );
};

const serializeCodes = (codes: IssuedCode[]): string => codes.map((c) => `${c.serial} ${c.digsig}`).join('\n');

const parseCodes = (firstSequence: number, text: string): IssuedCode[] =>
  text.split('\n').map((line, i) => {
    const [serial = '', digsig = ''] = line.split(' ');
    return { sequence: firstSequence + i, serial, digsig };
  });

export const putCodeChunks = async (batchId: string, chunks: { index: number; codes: IssuedCode[] }[]): Promise<void> =>
  batchPutAll(
    chunks.map(({ index, codes }) => ({
      ...codeChunkKey(batchId, index),
      type: 'codeChunk',
      firstSequence: codes[0]?.sequence ?? 0,
      codes: serializeCodes(codes),
    })),
  );

/** The chunk indexes already written, so an interrupted issuance can be completed. */
export const listWrittenChunkIndexes = async (batchId: string): Promise<Set<number>> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': batchPartition(batchId), ':prefix': CODE_CHUNK_PREFIX },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
  });
  return new Set(items.map((item) => Number(String(item.sk).slice(CODE_CHUNK_PREFIX.length))));
};

export interface BatchPage {
  batches: Batch[];
  cursor?: string;
}

export const listBatchesOfOrg = async (orgId: string, options: { cursor?: string; limit?: number } = {}): Promise<BatchPage> => {
  const gsi1pk = batchesOfOrgPartition(orgId);
  const page = await queryIndexPage({
    indexName: INDEXES.byOwner,
    partition: { attribute: 'gsi1pk', value: gsi1pk },
    cursor: options.cursor,
    cursorShape: { listing: 'batches', exact: { gsi1pk }, prefixed: { gsi1sk: '', pk: 'PRODUCT#', sk: 'LOT#' } },
    limit: options.limit ?? 50,
    newestFirst: true,
  });
  return { batches: page.items.map(toBatch), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
};

/** How many lots a product has: a count of its partition's batch items, not a read of them. */
export const countLotsOfProduct = async (gtin: string): Promise<number> => {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: mainTableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': productPartition(gtin), ':prefix': BATCH_SORT_PREFIX },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
};

export interface CodePage {
  codes: IssuedCode[];
  cursor?: string;
}

/** One page of codes in issue order; `chunks` bounds how many chunk items one page reads. */
export const listCodes = async (batchId: string, options: { cursor?: string; chunks?: number } = {}): Promise<CodePage> => {
  const pk = batchPartition(batchId);
  const cursorShape = { listing: 'batch-codes', exact: { pk }, prefixed: { sk: CODE_CHUNK_PREFIX } };
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': CODE_CHUNK_PREFIX },
      ConsistentRead: true,
      Limit: options.chunks ?? 10,
      ExclusiveStartKey: await decodeCursor(options.cursor, cursorShape),
    }),
  );
  const codes = (page.Items ?? []).flatMap((item) => parseCodes(Number(item.firstSequence), String(item.codes)));
  return { codes, cursor: await encodeCursor(page.LastEvaluatedKey, cursorShape) };
};

/**
 * Recalls a whole lot by flagging its batch: one write, whatever its size, and every scan
 * and custody rule reads the flag. Irreversible: the condition refuses a second recall.
 * The recall's event id is kept with the flag, so a copy of the same recall is told it
 * is a duplicate and another recall that the lot is already recalled.
 */
export const recallLot = async (gtin: string, lot: string, at: string, reason: string, eventId: string): Promise<boolean> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: batchKey(gtin, lot),
        UpdateExpression: 'SET recalledAt = :at, recallReason = :reason, recallEventId = :eventId',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(recalledAt)',
        ExpressionAttributeValues: { ':at': at, ':reason': reason, ':eventId': eventId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** How far a lot's recall got: its event, and whether its containers were all stopped. */
export interface LotRecallProgress {
  eventId?: string;
  containersFlaggedAt?: string;
}

/** A batch and its recall's progress, in one read. */
export const getBatchWithRecall = async (
  gtin: string,
  lot: string,
): Promise<{ batch: Batch; recall: LotRecallProgress } | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: batchKey(gtin, lot), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  return {
    batch: toBatch(Item),
    recall: {
      ...(typeof Item.recallEventId === 'string' ? { eventId: Item.recallEventId } : {}),
      ...(typeof Item.recallContainersFlaggedAt === 'string' ? { containersFlaggedAt: Item.recallContainersFlaggedAt } : {}),
    },
  };
};

/**
 * Marks a recall whose containers have all been stopped, so sending it (or another
 * recall of the lot) again answers at once instead of walking the lot index again.
 */
export const markRecallContainersFlagged = async (gtin: string, lot: string, at: string): Promise<void> => {
  await documentClient.send(
    new UpdateCommand({
      TableName: mainTableName(),
      Key: batchKey(gtin, lot),
      UpdateExpression: 'SET recallContainersFlaggedAt = if_not_exists(recallContainersFlaggedAt, :at)',
      ConditionExpression: 'attribute_exists(recalledAt)',
      ExpressionAttributeValues: { ':at': at },
    }),
  );
};

/** A spot-check result on a lot's batch (scans show a failed one), as one transaction item. */
export const batchSpotCheckUpdate = (TableName: string, gtin: string, lot: string, mark: NonNullable<Batch['spotCheck']>) => ({
  Update: {
    TableName,
    Key: batchKey(gtin, lot),
    UpdateExpression: 'SET spotCheck = :mark',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':mark': mark },
  },
});
