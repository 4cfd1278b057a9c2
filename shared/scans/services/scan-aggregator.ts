/**
 * The one aggregator of scan records, in AWS (functions/process-scan-log, from Kinesis) and
 * locally (scripts/local/scan-log.ts, from the gateway's log). A log line has the status
 * (200) but not the verdict, so it first judges each scanned label as the verify path does
 * (its AI 8030, then whether we issued it). Only a genuine label's scans go on: each unit's
 * to the unit sink (per-unit state and anomaly rules), and every one into its day's rollups
 * (its factory, its product, its lot, its province and its country). Scans of forged or
 * unknown labels of a registered product go to the product's forged-scan tally instead;
 * those of a GTIN we never registered are not ours to count. Every write absorbs only what
 * the item has not absorbed per shard (newSince), so a batch delivered twice, or split and
 * replayed, counts once.
 */

import type { BatchReads } from '#issuance';
import type { ForgedScan } from '../domain/forged-scans';
import { absorbScans, dayOf, type ScanRollupScope } from '../domain/scan-rollups';
import type { ScannedSubject, SequencedScan } from '../domain/scans';
import { getScanRollup, putScanRollup } from '../store/scan-rollup-repository';
import { type ForgedScans, recordForgedScans } from './forged-scan-service';
import { checkScannedLabel, type LabelCheck } from './label-check';
import { recordUnitScans, type UnitScans } from './unit-scans';

/** Lost races on one rollup item before the batch fails (and Kinesis delivers it again). */
export const ROLLUP_WRITE_ATTEMPTS = 10;

const ROLLUP_WRITE_CONCURRENCY = 8;
const LABEL_CHECK_CONCURRENCY = 8;

export interface AggregatorDependencies {
  /** Per-unit scan state and anomaly rules; defaults to recordUnitScans. */
  unitSink?: (input: UnitScans) => Promise<void>;
  /** A registered product's forged scans; defaults to recordForgedScans. */
  forgedSink?: (input: ForgedScans) => Promise<void>;
  /** The scanned label's verdict and its GTIN's factory; defaults to checkScannedLabel (keys and table). */
  checkLabel?: (subject: ScannedSubject) => Promise<LabelCheck>;
}

export interface AggregationResult {
  scans: number;
  /** Rollup items written (items whose scans had all been absorbed before are not). */
  rollupWrites: number;
  units: number;
  /** Scans of labels the verify path answered invalid or unknown: counted nowhere but their product's tally. */
  forged: number;
}

/** The label as scanned, AI 8030 included: one check per distinct label per batch. */
const labelId = (subject: ScannedSubject): string =>
  subject.kind === 'unit'
    ? `01/${subject.gtin}/10/${subject.lot}/21/${subject.serial}?${subject.digsig ?? ''}`
    : `00/${subject.sscc}?${subject.digsig ?? ''}`;

/** A genuine label's scan: its unit's product (which is registered) and where it was scanned. */
const scopesOf = (scan: SequencedScan, owner: string | undefined): ScanRollupScope[] => {
  const scopes: ScanRollupScope[] = [];
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

/**
 * Each distinct label once, a few at a time: a forged one costs a signature check from keys
 * in memory and its product from the cache, a genuine one also its lot (read once per batch).
 */
const checkLabels = async (
  scans: readonly SequencedScan[],
  checkLabel: (subject: ScannedSubject) => Promise<LabelCheck>,
): Promise<Map<string, LabelCheck>> => {
  const labels = new Map(scans.map((scan) => [labelId(scan.subject), scan.subject]));
  const checks = new Map<string, LabelCheck>();
  const queue = [...labels];
  const checker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) checks.set(next[0], await checkLabel(next[1]));
  };
  await Promise.all(Array.from({ length: Math.min(LABEL_CHECK_CONCURRENCY, queue.length) }, checker));
  return checks;
};

type RollupGroup = { scope: ScanRollupScope; day: string; scans: SequencedScan[] };

/** The batch's scans sorted by where they count: their unit, their rollups, or their product's forged tally. */
const sortScans = (scans: readonly SequencedScan[], checks: ReadonlyMap<string, LabelCheck>) => {
  const units = new Map<string, UnitScans & { scans: SequencedScan[] }>();
  const forged = new Map<string, ForgedScans & { scans: ForgedScan[] }>();
  const groups = new Map<string, RollupGroup>();
  for (const scan of scans) {
    const check = checks.get(labelId(scan.subject));
    if (check === undefined) throw new Error('every label was checked above');
    const { verdict, ownerOrgId: owner } = check;
    if (verdict !== 'genuine') {
      // Counted against the product whose labels are being forged, never against a unit or a lot.
      if (scan.subject.kind === 'unit' && owner !== undefined) {
        const { gtin } = scan.subject;
        let product = forged.get(gtin);
        if (product === undefined) forged.set(gtin, (product = { gtin, ownerOrgId: owner, scans: [] }));
        product.scans.push({ ...scan, verdict });
      }
      continue;
    }
    if (scan.subject.kind === 'unit') {
      const { gtin, lot, serial } = scan.subject;
      const unitId = `${gtin}/${lot}/${serial}`;
      let unit = units.get(unitId);
      if (unit === undefined) units.set(unitId, (unit = { unit: { gtin, lot, serial }, scans: [] }));
      unit.scans.push(scan);
    }
    const day = dayOf(scan.at);
    for (const scope of scopesOf(scan, owner)) {
      const groupId = `${scopeId(scope)}@${day}`;
      let group = groups.get(groupId);
      if (group === undefined) groups.set(groupId, (group = { scope, day, scans: [] }));
      group.scans.push(scan);
    }
  }
  return { units, forged, groups };
};

/**
 * A few items at a time: a batch touches up to five items per scan, and a burst of
 * parallel writes would only take the table's capacity from the verify path. Returns the
 * items written.
 */
const writeRollups = async (groups: Iterable<RollupGroup>): Promise<number> => {
  const pending = [...groups];
  let rollupWrites = 0;
  const worker = async (): Promise<void> => {
    for (let group = pending.shift(); group !== undefined; group = pending.shift()) {
      if (await writeRollup(group.scope, group.day, group.scans)) rollupWrites++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROLLUP_WRITE_CONCURRENCY, pending.length) }, worker));
  return rollupWrites;
};

/** In stream order within each shard, which is the order the batch comes in. */
export const aggregateScans = async (
  scans: readonly SequencedScan[],
  dependencies: AggregatorDependencies = {},
): Promise<AggregationResult> => {
  const unitSink = dependencies.unitSink ?? recordUnitScans;
  const forgedSink = dependencies.forgedSink ?? recordForgedScans;
  const batchReads: BatchReads = new Map();
  const checkLabel = dependencies.checkLabel ?? ((subject: ScannedSubject) => checkScannedLabel(subject, batchReads));
  const { units, forged, groups } = sortScans(scans, await checkLabels(scans, checkLabel));
  const rollupWrites = await writeRollups(groups.values());
  for (const unit of units.values()) await unitSink(unit);
  let forgedScans = 0;
  for (const product of forged.values()) {
    await forgedSink(product);
    forgedScans += product.scans.length;
  }
  return { scans: scans.length, rollupWrites, units: units.size, forged: forgedScans };
};
