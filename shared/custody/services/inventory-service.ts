/**
 * What an organization holds now, or has coming in: its own custodian index, a page at a
 * time, never a scan. Units that never moved since issuance sit at their factory
 * implicitly and appear in its batches, not here.
 */

import type { Principal } from '#kernel/auth/principal';
import { unitsInside } from '../domain/container-tree';
import { epcOf } from '../domain/identifiers';
import type { CustodyStatus, SubjectState } from '../domain/types';
import { listInventory } from '../store/subject-state-repository';

export interface InventoryItem {
  epc: string;
  kind: SubjectState['ref']['kind'];
  status: CustodyStatus;
  /** Containers: how many direct children they hold. */
  childCount?: number;
  /** Containers: how many units they hold in all, through the cases inside; absent when not known. */
  unitCount?: number;
  /** When its latest event happened. */
  since: string;
}

export interface InventoryListing {
  items: InventoryItem[];
  cursor?: string;
}

const containerCounts = (state: SubjectState) => {
  const units = unitsInside(state);
  return { childCount: state.childCount ?? 0, ...(units === undefined ? {} : { unitCount: units }) };
};

const itemOf = (state: SubjectState): InventoryItem => ({
  epc: epcOf(state.ref),
  kind: state.ref.kind,
  status: state.status,
  ...(state.ref.kind === 'container' ? containerCounts(state) : {}),
  since: state.lastEventTime,
});

export const listInventoryFor = async (
  principal: Principal,
  which: 'held' | 'incoming',
  page: { cursor?: string; limit?: number },
): Promise<InventoryListing> => {
  const found = await listInventory(principal.orgId, which, page);
  return { items: found.items.map(itemOf), ...(found.cursor === undefined ? {} : { cursor: found.cursor }) };
};
