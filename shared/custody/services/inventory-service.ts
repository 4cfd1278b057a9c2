/**
 * What an organization holds now, or has coming in: its own custodian index, a page at a
 * time, never a scan. Units that never moved since issuance sit at their factory
 * implicitly and appear in its batches, not here. Each item carries what a person reads it
 * by: a unit's product name and lot, a container's kind and SSCC, and for what is on its
 * way the shipper's name (one read per distinct product and organization of the page).
 */

import type { Principal } from '#kernel/auth/principal';
import type { ContainerKind } from '#kernel/codes/sscc';
import { getOrganizationCached, getProductRecord, type LocalizedNames } from '#registry';
import { unitsInside } from '../domain/container-tree';
import { epcOf } from '../domain/identifiers';
import type { CustodyStatus, SubjectState } from '../domain/types';
import { listInventory } from '../store/subject-state-repository';

interface ItemBase {
  epc: string;
  status: CustodyStatus;
  /** When its latest event happened. */
  since: string;
  /** Incoming only: who shipped it (its custodian until it is received). */
  from?: { id: string; name: string };
}

export interface UnitItem extends ItemBase {
  kind: 'unit';
  gtin: string;
  lot: string;
  serial: string;
  /** The product's registered name, and its names per language when the factory gave them. */
  product?: { name: string; names?: LocalizedNames };
}

export interface ContainerItem extends ItemBase {
  kind: 'container';
  sscc: string;
  containerKind: ContainerKind;
  /** How many direct children it holds. */
  childCount: number;
  /** How many units it holds in all, through the cases inside; absent when not known. */
  unitCount?: number;
}

export type InventoryItem = UnitItem | ContainerItem;

export interface InventoryListing {
  items: InventoryItem[];
  cursor?: string;
}

type ProductName = NonNullable<UnitItem['product']>;

/** One lookup per distinct key of a page, however many items share it. */
const lookupAll = async <T>(keys: Iterable<string>, read: (key: string) => Promise<T | undefined>) => {
  const unique = [...new Set(keys)];
  const found = await Promise.all(unique.map(read));
  return new Map(unique.flatMap((key, at) => (found[at] === undefined ? [] : [[key, found[at] as T] as const])));
};

const productNameOf = async (gtin: string): Promise<ProductName | undefined> => {
  const product = (await getProductRecord(gtin))?.product;
  if (product === undefined) return undefined;
  return { name: product.name, ...(product.names === undefined ? {} : { names: product.names }) };
};

const itemOf = (
  state: SubjectState,
  which: 'held' | 'incoming',
  products: ReadonlyMap<string, ProductName>,
  shippers: ReadonlyMap<string, string>,
): InventoryItem => {
  const shipper = shippers.get(state.custodianOrgId);
  const base: ItemBase = {
    epc: epcOf(state.ref),
    status: state.status,
    since: state.lastEventTime,
    ...(which === 'incoming' && shipper !== undefined ? { from: { id: state.custodianOrgId, name: shipper } } : {}),
  };
  const { ref } = state;
  if (ref.kind === 'container') {
    const units = unitsInside(state);
    return {
      ...base,
      kind: 'container',
      sscc: ref.sscc,
      containerKind: ref.containerKind,
      childCount: state.childCount ?? 0,
      ...(units === undefined ? {} : { unitCount: units }),
    };
  }
  const product = products.get(ref.gtin);
  return {
    ...base,
    kind: 'unit',
    gtin: ref.gtin,
    lot: ref.lot,
    serial: ref.serial,
    ...(product === undefined ? {} : { product }),
  };
};

export const listInventoryFor = async (
  principal: Principal,
  which: 'held' | 'incoming',
  page: { cursor?: string; limit?: number },
): Promise<InventoryListing> => {
  const found = await listInventory(principal.orgId, which, page);
  const gtins = found.items.flatMap((state) => (state.ref.kind === 'unit' ? [state.ref.gtin] : []));
  const [products, shippers] = await Promise.all([
    lookupAll(gtins, productNameOf),
    which === 'incoming'
      ? lookupAll(
          found.items.map((state) => state.custodianOrgId),
          async (id) => (await getOrganizationCached(id))?.name,
        )
      : new Map<string, string>(),
  ]);
  return {
    items: found.items.map((state) => itemOf(state, which, products, shippers)),
    ...(found.cursor === undefined ? {} : { cursor: found.cursor }),
  };
};
