import type { JSONWebKeySet } from 'jose';
import { verifyInclusion } from '#kernel/merkle-tree';
import { eventLeafHash, type TreeHead } from '../domain/audit-log';
import type { EdgeLeaf } from './export-edges';
import type { ExportManifest } from './export-manifest';
import { verifyTreeHead } from './tree-head-jws';

/**
 * The checks of an export against the log beyond its own records: that a complete export's
 * range has no leaf missing at either end (the manifest's edge leaves), and that its head
 * is one the service published to the witness (which the table's writers cannot change).
 */
export interface Failing {
  fail(kind: string, message: string): void;
  count(kind: string): number;
}

/** A head as the witness route lists it: the JWS is what counts. */
export interface WitnessedHeadInput {
  treeSize: number;
  timestamp: string;
  signedHead: string;
}

const HEX = /^[0-9a-f]{64}$/;
export const fromHex = (hex: string): Buffer => Buffer.from(HEX.test(hex) ? hex : '', 'hex');

const recordTimeOf = (epcis: string): string | undefined => {
  try {
    const value = (JSON.parse(epcis) as { recordTime?: unknown }).recordTime;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

const edgeHolds = (edge: EdgeLeaf | null, index: number, head: TreeHead): edge is EdgeLeaf => {
  if (edge === null || edge.leafIndex !== index) return false;
  let leaf: Buffer;
  try {
    leaf = eventLeafHash(edge.epcis);
  } catch {
    return false;
  }
  return verifyInclusion(index, head.treeSize, leaf, edge.inclusionPath.map(fromHex), fromHex(head.rootHash));
};

/**
 * A complete export names its range's first and last leaf; the records' proven leaves must
 * be exactly those, and the leaf just before the first (after the last) must be an event
 * recorded before the range (at or after its end), proven in the head. An event deleted
 * from the table at either end leaves a leaf no record and no edge accounts for.
 */
export const checkEdges = (
  manifest: ExportManifest,
  head: TreeHead,
  proven: { first?: number; last?: number },
  found: Failing,
  passed: string[],
): void => {
  const { leafRange, range } = manifest;
  if (leafRange === undefined || range === undefined) {
    found.fail('edges', 'complete export: the manifest names no leaf range, so its ends cannot be checked');
    return;
  }
  const failuresBefore = found.count('edges');
  if (proven.first === undefined) {
    if (leafRange.last !== leafRange.first - 1)
      found.fail('edges', 'complete export: no record is proven, yet the manifest names leaves');
  } else if (proven.first !== leafRange.first || proven.last !== leafRange.last) {
    found.fail(
      'edges',
      `complete export: its records are leaves ${proven.first}..${proven.last}, the manifest says ${leafRange.first}..${leafRange.last}`,
    );
  }
  if (leafRange.first > 0) {
    const edge = leafRange.before;
    const time = edge === null ? undefined : recordTimeOf(edge.epcis);
    if (!edgeHolds(edge, leafRange.first - 1, head) || time === undefined) {
      found.fail('edges', `leaf ${leafRange.first - 1}, just before the range, is not shown: events were removed at its start`);
    } else if (time >= range.from) {
      found.fail(
        'edges',
        `leaf ${edge.leafIndex} (${edge.entryId}) was recorded in the range but is not in the export: events were removed at its start`,
      );
    }
  }
  if (leafRange.last + 1 < head.treeSize) {
    const edge = leafRange.after;
    const time = edge === null ? undefined : recordTimeOf(edge.epcis);
    if (!edgeHolds(edge, leafRange.last + 1, head) || time === undefined) {
      found.fail('edges', `leaf ${leafRange.last + 1}, just after the range, is not shown: events were removed at its end`);
    } else if (time < range.to) {
      found.fail(
        'edges',
        `leaf ${edge.leafIndex} (${edge.entryId}) was recorded in the range but is not in the export: events were removed at its end`,
      );
    }
  }
  if (found.count('edges') === failuresBefore) {
    passed.push(`the range's edges are proven: leaves ${leafRange.first}..${leafRange.last}, nothing missing at either end`);
  }
};

/**
 * The export's head must be one the service published to the witness: a head signed over
 * a rewritten table (by anything that skipped the witness) is not there. Returns the newest
 * witnessed head (signature verified) for the consistency check.
 */
export const checkWitness = async (
  witness: { newest: readonly WitnessedHeadInput[]; ofSize: readonly WitnessedHeadInput[] },
  head: TreeHead,
  jwks: JSONWebKeySet,
  found: Failing,
  passed: string[],
): Promise<(TreeHead & { signedHead: string }) | undefined> => {
  const verified = async (entry: WitnessedHeadInput) => {
    try {
      return { ...(await verifyTreeHead(entry.signedHead, jwks)), signedHead: entry.signedHead };
    } catch {
      found.fail('witness', `witnessed head of size ${entry.treeSize}: signature does not verify`);
      return undefined;
    }
  };
  const ofSize = await Promise.all(witness.ofSize.map(verified));
  if (ofSize.some((w) => w !== undefined && w.treeSize === head.treeSize && w.rootHash === head.rootHash)) {
    passed.push(`the export's head (size ${head.treeSize}) is published in the witness`);
  } else {
    found.fail(
      'witness',
      `the export's head (size ${head.treeSize}) was never published to the witness: it may sign a rewritten log`,
    );
  }
  const [newest] = witness.newest;
  return newest === undefined ? undefined : verified(newest);
};
