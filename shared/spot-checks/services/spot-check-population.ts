/**
 * A draw's population, read from indexes only: a province's factories (organization
 * listing), their lots (owner index), or one lot's units (its sequence range through the
 * product's serial codec: no code chunk is read). Capped at MAX_POPULATION ids.
 */

import { type Batch, getBatchByLot, listBatchesOfOrg } from '#issuance';
import { createSerialCodec } from '#kernel/codes/serial';
import { BadRequestError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';
import {
  getOrganization,
  getProductRecord,
  listOrganizationIdsOfRegion,
  type ProductCategory,
  type ProductRecord,
} from '#registry';
import { type SpotCheckKind, type SpotCheckScope, sortedUnique } from '../domain/spot-check-draw';
import { lotTargetId, MAX_POPULATION } from '../domain/spot-checks';

const tooLarge = (): BadRequestError =>
  new BadRequestError(
    'POPULATION_TOO_LARGE',
    `The scope holds more than ${MAX_POPULATION} candidates: narrow it (a product category, or another kind)`,
  );

const productReader = () => {
  const cache = new Map<string, Promise<ProductRecord | undefined>>();
  return (gtin: string): Promise<ProductRecord | undefined> => {
    let record = cache.get(gtin);
    if (record === undefined) {
      record = getProductRecord(gtin);
      cache.set(gtin, record);
    }
    return record;
  };
};

/** A lot still on the market: fully issued and not recalled. */
const drawable = (batch: Batch): boolean => batch.status === 'issued' && batch.recalledAt === undefined;

/** The drawable lots of a factory, of a category when one is given. */
const lotsOf = async (
  factoryId: string,
  category: ProductCategory | undefined,
  product: ReturnType<typeof productReader>,
  budget: number,
): Promise<string[]> => {
  const lots: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listBatchesOfOrg(factoryId, { limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const batch of page.batches) {
      if (!drawable(batch)) continue;
      if (category !== undefined && (await product(batch.gtin))?.product.category !== category) continue;
      lots.push(lotTargetId(batch.gtin, batch.lot));
      if (lots.length > budget) throw tooLarge();
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return lots;
};

const unitsOf = async (scope: SpotCheckScope): Promise<string[]> => {
  if (scope.gtin === undefined || scope.lot === undefined) {
    throw new BadRequestError('LOT_REQUIRED', 'A draw of units names its lot (scope.gtin and scope.lot)');
  }
  const batch = await getBatchByLot(scope.gtin, scope.lot);
  const record = await getProductRecord(scope.gtin);
  if (batch === undefined || record === undefined || !drawable(batch)) {
    throw new BadRequestError('UNKNOWN_LOT', `Lot ${scope.lot} of GTIN ${scope.gtin} is not an issued, unrecalled lot`);
  }
  const factory = await getOrganization(batch.ownerOrgId);
  if (factory === undefined || provinceOf(factory.region) !== scope.province) {
    throw new BadRequestError('LOT_OUTSIDE_SCOPE', `Lot ${scope.lot} was not made in ${scope.province}`);
  }
  if (scope.category !== undefined && record.product.category !== scope.category) return [];
  const codec = createSerialCodec(record.serialKey);
  return Array.from({ length: batch.count }, (_, i) => codec.encode(batch.firstSequence + i));
};

/** The sorted, duplicate-free population; refused when above MAX_POPULATION. */
export const populationOf = async (kind: SpotCheckKind, scope: SpotCheckScope): Promise<string[]> => {
  if (kind === 'units') return sortedUnique(await unitsOf(scope));
  if (scope.gtin !== undefined || scope.lot !== undefined) {
    throw new BadRequestError('LOT_NOT_ALLOWED', 'Only a draw of units names a lot');
  }
  const factories = await listOrganizationIdsOfRegion(scope.province, 'factory');
  const product = productReader();
  if (kind === 'organizations') {
    const chosen: string[] = [];
    for (const id of factories) {
      // With a category, a factory belongs when it has at least one drawable lot of it.
      if (scope.category === undefined || (await lotsOf(id, scope.category, product, MAX_POPULATION)).length > 0) chosen.push(id);
      if (chosen.length > MAX_POPULATION) throw tooLarge();
    }
    return sortedUnique(chosen);
  }
  const lots: string[] = [];
  for (const id of factories) lots.push(...(await lotsOf(id, scope.category, product, MAX_POPULATION - lots.length)));
  return sortedUnique(lots);
};
