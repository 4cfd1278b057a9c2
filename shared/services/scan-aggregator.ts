/**
 * The one aggregator of scan records, in AWS (functions/aggregate-scans, from Kinesis) and
 * locally (scripts/local/scan-log.ts, from the gateway's log). For one batch it hands each
 * unit's scans to the unit sink (per-unit state and anomaly rules) and folds every scan
 * into its day's rollups: its factory, its product, its lot, its province and its country.
 * Every write absorbs only what the item has not absorbed per shard (newSince), so a batch
 * delivered twice, or split and replayed, counts once.
 */
import { absorbScans, dayOf, type ScanRollupScope } from '#shared/domain/scan-rollups';
import type { SequencedScan } from '#shared/domain/scans';
import { getProductRecord } from '#shared/store/product-repository';
import { getScanRollup, putScanRollup } from '#shared/store/scan-rollup-repository';
import { recordUnitScans, type UnitScans } from './unit-scans';

/** Lost races on one rollup item before the batch fails (and Kinesis delivers it again). */
export const ROLLUP_WRITE_ATTEMPTS = 10;

const ROLLUP_WRITE_CONCURRENCY = 8;

export interface AggregatorDependencies {
  /** Per-unit scan state and anomaly rules; defaults to recordUnitScans. */
  unitSink?: (input: UnitScans) => Promise<void>;
  /** The factory that registered a GTIN, if any; defaults to the product table. */
  ownerOf?: (gtin: string) => Promise<string | undefined>;
}

export interface AggregationResult {
  scans: number;
  /** Rollup items written (items whose scans had all been absorbed before are not). */
  rollupWrites: number;
  units: number;
}

const ownerFromTable = async (gtin: string): Promise<string | undefined> => (await getProductRecord(gtin))?.product.ownerOrgId;

const scopesOf = (scan: SequencedScan, owner: string | undefined): ScanRollupScope[] => {
  const scopes: ScanRollupScope[] = [];
  // Only registered products have an audience; a made-up GTIN still counts where it was scanned.
  if (scan.subject.kind === 'unit' && owner !== undefined) {
    const { gtin, lot } = scan.subject;
    scopes.push({ kind: 'factory', orgId: owner }, { kind: 'product', gtin }, { kind: 'lot', gtin, lot });
  }
  if (scan.place.country !== undefined) scopes.push({ kind: 'area', area: scan.place.country });
  if (scan.place.province !== undefined) scopes.push({ kind: 'area', area: scan.place.province });
  return scopes;
};

const scopeId = (scope: ScanRollupScope): string => JSON.stringify(scope);

/** Read, absorb, write if nobody wrote in between; on a lost race, read again. */
const writeRollup = async (scope: ScanRollupScope, day: string, scans: readonly SequencedScan[]): Promise<boolean> => {
  for (let attempt = 0; attempt < ROLLUP_WRITE_ATTEMPTS; attempt++) {
    const { rollup, version } = await getScanRollup(scope, day);
    const next = absorbScans(scope, rollup, scans);
    if (next === undefined) return false;
    if (await putScanRollup(scope, next, version)) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
  }
  throw new Error(`scan rollup ${scopeId(scope)} ${day}: too many concurrent writers`);
};

/** In stream order within each shard, which is the order the batch comes in. */
export const aggregateScans = async (
  scans: readonly SequencedScan[],
  dependencies: AggregatorDependencies = {},
): Promise<AggregationResult> => {
  const unitSink = dependencies.unitSink ?? recordUnitScans;
  const ownerOf = dependencies.ownerOf ?? ownerFromTable;

  const owners = new Map<string, Promise<string | undefined>>();
  const units = new Map<string, UnitScans & { scans: SequencedScan[] }>();
  const groups = new Map<string, { scope: ScanRollupScope; day: string; scans: SequencedScan[] }>();
  for (const scan of scans) {
    let owner: string | undefined;
    if (scan.subject.kind === 'unit') {
      const { gtin, lot, serial } = scan.subject;
      const unitId = `${gtin}/${lot}/${serial}`;
      let unit = units.get(unitId);
      if (unit === undefined) units.set(unitId, (unit = { unit: { gtin, lot, serial }, scans: [] }));
      unit.scans.push(scan);
      let pending = owners.get(gtin);
      if (pending === undefined) owners.set(gtin, (pending = ownerOf(gtin)));
      owner = await pending;
    }
    const day = dayOf(scan.at);
    for (const scope of scopesOf(scan, owner)) {
      const id = `${scopeId(scope)}@${day}`;
      let group = groups.get(id);
      if (group === undefined) groups.set(id, (group = { scope, day, scans: [] }));
      group.scans.push(scan);
    }
  }

  const pending = [...groups.values()];
  let rollupWrites = 0;
  // A few items at a time: a batch touches up to five items per scan, and a burst of
  // parallel writes would only take the table's capacity from the verify path.
  const worker = async (): Promise<void> => {
    for (let group = pending.shift(); group !== undefined; group = pending.shift()) {
      if (await writeRollup(group.scope, group.day, group.scans)) rollupWrites++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROLLUP_WRITE_CONCURRENCY, pending.length) }, worker));
  for (const unit of units.values()) await unitSink(unit);
  return { scans: scans.length, rollupWrites, units: units.size };
};
