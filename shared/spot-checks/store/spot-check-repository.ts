/**
 * Spot-check draws. A draw's record, its population (in chunks: up to MAX_POPULATION ids
 * do not fit one 400 KB item) and its results (spot-check-results-repository) share one partition. Every state change is
 * one conditional transaction, so two racing calls can never both fix, reveal or record.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  documentClient,
  isConditionFailure,
  mainTableName,
  queryAll,
  queryIndexPage,
  type TransactItems,
} from '#kernel/db/dynamodb-client';
import {
  SPOT_CHECK_DRAWS_PARTITION,
  SPOT_CHECK_POPULATION_PREFIX,
  spotCheckDrawKey,
  spotCheckListingIndexKey,
  spotCheckOpenDrawKey,
  spotCheckPartition,
  spotCheckPopulationKey,
} from '#kernel/db/item-keys';
import { INDEXES } from '#kernel/db/table-definitions';
import { ConflictError } from '#kernel/errors';
import type { SpotCheckDraw } from '../domain/spot-checks';

/** Ids per population item: 2,000 ids of at most 36 characters stay far below 400 KB. */
const POPULATION_CHUNK_SIZE = 2000;

const DRAW_FIELDS = [
  'id',
  'algorithm',
  'regulatorOrgId',
  'status',
  'scope',
  'kind',
  'sampleSize',
  'inspectors',
  'inspectorRoster',
  'inspectorCount',
  'commitment',
  'committedAt',
  'fixedAt',
  'salt',
  'serviceSaltCommitment',
  'serviceSalt',
  'populationSize',
  'populationCommitment',
  'revealedAt',
  'secret',
  'inputsHash',
  'seed',
  'targetPositions',
  'targets',
  'selectedInspectors',
] as const satisfies readonly (keyof SpotCheckDraw)[];

const toDraw = (item: Record<string, unknown>): SpotCheckDraw => {
  const draw: Record<string, unknown> = {};
  for (const field of DRAW_FIELDS) if (item[field] !== undefined) draw[field] = item[field];
  return draw as unknown as SpotCheckDraw;
};

/** Runs a conditional write; a failed condition is the caller's conflict. */
export const conflictOn = async (write: () => Promise<unknown>, conflict: () => ConflictError): Promise<void> => {
  try {
    await write();
  } catch (error) {
    if (isConditionFailure(error)) throw conflict();
    throw error;
  }
};

/**
 * Records a committed draw and takes its regulator's open-draw slot: refused while another
 * of its draws is committed or fixed and still inside its reveal window.
 */
export const createDraw = async (draw: SpotCheckDraw, revealDeadline: string): Promise<void> => {
  const TableName = mainTableName();
  await conflictOn(
    () =>
      documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { ...spotCheckDrawKey(draw.id), type: 'spotCheckDraw', ...draw, ...spotCheckListingIndexKey(draw) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName,
                Item: {
                  ...spotCheckOpenDrawKey(draw.regulatorOrgId),
                  type: 'spotCheckOpenDraw',
                  drawId: draw.id,
                  revealDeadline,
                },
                ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(releasedAt) OR revealDeadline <= :now',
                ExpressionAttributeValues: { ':now': draw.committedAt },
              },
            },
          ],
        }),
      ),
    () =>
      new ConflictError(
        'OPEN_DRAW_EXISTS',
        'You have a draw that is not revealed yet: reveal it (or let it be abandoned) before opening another',
      ),
  );
};

export const getDraw = async (id: string): Promise<SpotCheckDraw | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: spotCheckDrawKey(id), ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  const draw = toDraw(Item);
  if (draw.fixedAt === undefined) return draw;
  const chunks = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': spotCheckPartition(id), ':prefix': SPOT_CHECK_POPULATION_PREFIX },
    ConsistentRead: true,
  });
  return { ...draw, population: chunks.flatMap((chunk) => chunk.ids as string[]) };
};

export interface FixedFields {
  fixedAt: string;
  population: string[];
  populationCommitment: string;
  serviceSaltCommitment: string;
}

/** Fixes the inputs once: the draw's condition and the population chunks' are one transaction. */
export const fixDraw = async (id: string, fixed: FixedFields): Promise<void> => {
  const TableName = mainTableName();
  const chunks: TransactItems = [];
  for (let i = 0; i * POPULATION_CHUNK_SIZE < fixed.population.length; i++) {
    chunks.push({
      Put: {
        TableName,
        Item: {
          ...spotCheckPopulationKey(id, i),
          type: 'spotCheckPopulation',
          ids: fixed.population.slice(i * POPULATION_CHUNK_SIZE, (i + 1) * POPULATION_CHUNK_SIZE),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  await conflictOn(
    () =>
      documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: spotCheckDrawKey(id),
                UpdateExpression:
                  'SET #status = :fixed, fixedAt = :fixedAt, populationSize = :size, populationCommitment = :population, serviceSaltCommitment = :saltCommitment',
                ConditionExpression: '#status = :committed',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':fixed': 'fixed',
                  ':committed': 'committed',
                  ':fixedAt': fixed.fixedAt,
                  ':size': fixed.population.length,
                  ':population': fixed.populationCommitment,
                  ':saltCommitment': fixed.serviceSaltCommitment,
                },
              },
            },
            ...chunks,
          ],
        }),
      ),
    () => new ConflictError('ALREADY_FIXED', `The inputs of draw ${id} are already fixed`),
  );
};

export interface RevealedFields {
  revealedAt: string;
  secret: string;
  serviceSalt: string;
  inputsHash: string;
  seed: string;
  targetPositions: number[];
  targets: string[];
  selectedInspectors: string[];
}

/** Records the outcome and releases the regulator's open-draw slot, together. */
export const revealDraw = async (draw: SpotCheckDraw, revealed: RevealedFields): Promise<void> => {
  const TableName = mainTableName();
  await conflictOn(
    () =>
      documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: spotCheckDrawKey(draw.id),
                UpdateExpression:
                  'SET #status = :drawn, revealedAt = :revealedAt, secret = :secret, serviceSalt = :serviceSalt, inputsHash = :inputsHash, seed = :seed, targetPositions = :positions, targets = :targets, selectedInspectors = :inspectors',
                ConditionExpression: '#status = :fixed',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':drawn': 'drawn',
                  ':fixed': 'fixed',
                  ':revealedAt': revealed.revealedAt,
                  ':secret': revealed.secret,
                  ':serviceSalt': revealed.serviceSalt,
                  ':positions': revealed.targetPositions,
                  ':inputsHash': revealed.inputsHash,
                  ':seed': revealed.seed,
                  ':targets': revealed.targets,
                  ':inspectors': revealed.selectedInspectors,
                },
              },
            },
            {
              // Released rather than deleted: functions never delete items.
              Update: {
                TableName,
                Key: spotCheckOpenDrawKey(draw.regulatorOrgId),
                UpdateExpression: 'SET releasedAt = :revealedAt',
                ConditionExpression: 'drawId = :id',
                ExpressionAttributeValues: { ':id': draw.id, ':revealedAt': revealed.revealedAt },
              },
            },
          ],
        }),
      ),
    () => new ConflictError('ALREADY_REVEALED', `Draw ${draw.id} is already revealed`),
  );
};

export interface DrawPage {
  draws: SpotCheckDraw[];
  cursor?: string;
}

export const listDraws = async (options: { cursor?: string; limit?: number } = {}): Promise<DrawPage> => {
  const page = await queryIndexPage({
    indexName: INDEXES.byOwner,
    partition: { attribute: 'gsi1pk', value: SPOT_CHECK_DRAWS_PARTITION },
    cursor: options.cursor,
    cursorShape: {
      listing: 'spot-check-draws',
      // The draw item's sort key is the constant DRAW: fixed, like the partition.
      exact: { gsi1pk: SPOT_CHECK_DRAWS_PARTITION, sk: spotCheckDrawKey('').sk },
      prefixed: { gsi1sk: '', pk: 'SPOTCHECK#' },
    },
    limit: options.limit ?? 50,
    newestFirst: true,
  });
  return { draws: page.items.map(toDraw), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
};
