import { DECOMMISSIONED_STATUSES, getState, subjectIdOf } from '#custody';
import { getBatchByLot } from '#issuance';
import { createSerialCodec } from '#kernel/codes/serial';
import { provinceOf } from '#kernel/places/provinces';
import { getOrganization, getProductRecord } from '#registry';
import { alertWithHit, type UnitAlert } from '../domain/alerts';
import { evaluateScans, nextFlag, type RuleHit, type ScanRules, type UnitContext } from '../domain/scan-rules';
import { newSince, type SequencedScan } from '../domain/scans';
import { getUnitScans, type UnitScanState, writeUnitScans } from '../store/unit-scan-repository';
import { fileNewAlerts, fileWidenedAlerts } from './alert-service';
import { effectiveScanRules } from './scan-rules-service';

/**
 * Per-unit scan state: the aggregator hands over each unit's scans of one batch, in stream
 * order; this absorbs the ones not yet absorbed (exactly once, see newSince), updates the
 * unit's counters, runs the product's anomaly rules and raises alerts or blocks the code.
 */
export interface UnitScans {
  unit: { gtin: string; lot: string; serial: string };
  scans: readonly SequencedScan[];
}

interface Judged {
  rules: ScanRules;
  context: UnitContext;
  factoryOrgId: string;
  factoryProvince?: string;
}

/** `CN-GD Shenzhen` → `Shenzhen`; undefined when the region names no city. */
const cityOf = (region: string): string | undefined => {
  const rest = region.trim().split(/\s+/).slice(1).join(' ');
  return rest === '' ? undefined : rest;
};

/**
 * What the rules need to know of a unit, or undefined when the scanned code names no unit we
 * issued (an unregistered GTIN or lot, or a serial outside the lot): forged codes are the
 * verify page's business, and must not make this table grow an item per invented serial.
 */
const judgedUnit = async (unit: UnitScans['unit'], subjectId: string): Promise<Judged | undefined> => {
  const record = await getProductRecord(unit.gtin);
  if (record === undefined) return undefined;
  const batch = await getBatchByLot(unit.gtin, unit.lot);
  const sequence = createSerialCodec(record.serialKey).decode(unit.serial);
  if (batch === undefined || sequence === undefined) return undefined;
  if (sequence < batch.firstSequence || sequence >= batch.firstSequence + batch.count) return undefined;
  const [rules, factory, stored] = await Promise.all([
    effectiveScanRules(unit.gtin),
    getOrganization(record.product.ownerOrgId),
    getState(subjectId),
  ]);
  let sale: UnitContext['sale'];
  const decommission = stored?.state.decommission;
  if (stored !== undefined && decommission !== undefined && DECOMMISSIONED_STATUSES.has(stored.state.status)) {
    const seller = await getOrganization(decommission.by);
    const city = seller === undefined ? undefined : cityOf(seller.region);
    sale = {
      at: decommission.at,
      ...(seller === undefined ? {} : { province: provinceOf(seller.region) }),
      ...(city === undefined ? {} : { city }),
    };
  }
  return {
    rules,
    context: {
      ...(batch.intendedMarkets === undefined ? {} : { intendedMarkets: batch.intendedMarkets }),
      ...(sale === undefined ? {} : { sale }),
    },
    factoryOrgId: record.product.ownerOrgId,
    ...(factory === undefined ? {} : { factoryProvince: provinceOf(factory.region) }),
  };
};

/** The state after the hits, and the alerts they opened or updated. */
const applyHits = (
  state: UnitScanState,
  hits: readonly RuleHit[],
  judged: Judged,
  unit: UnitScans['unit'],
  subjectId: string,
): { state: UnitScanState; touched: UnitAlert[]; opened: UnitAlert[]; widened: UnitAlert[] } => {
  if (hits.length === 0) return { state, touched: [], opened: [], widened: [] };
  const totalHits = state.hits + hits.length;
  const flag = nextFlag(state.flag, totalHits, judged.rules) ?? 'suspect';
  // The hit that changed the flag dates it: the first for suspect, the crossing one for blocked.
  const changingHit =
    flag === state.flag
      ? undefined
      : flag === 'blocked'
        ? hits[Math.max(0, judged.rules.blockAfterHits - state.hits - 1)]
        : hits[0];
  const openAlerts = { ...state.openAlerts };
  const opened = new Map<string, UnitAlert>();
  for (const hit of hits) {
    const before = openAlerts[hit.rule];
    const after = alertWithHit(before, hit, {
      subjectId,
      unit,
      factoryOrgId: judged.factoryOrgId,
      unitFlag: flag,
      ...(judged.factoryProvince === undefined ? {} : { factoryProvince: judged.factoryProvince }),
    });
    openAlerts[hit.rule] = after;
    if (before === undefined) opened.set(after.rule, after);
  }
  // Open alerts as stored, to tell which ones these hits took to new provinces.
  const stored = state.openAlerts;
  const touched = [...new Set(hits.map((hit) => hit.rule))].flatMap((rule) => {
    const alert = openAlerts[rule];
    return alert === undefined ? [] : [{ ...alert, unitFlag: flag }];
  });
  for (const alert of touched) openAlerts[alert.rule] = alert;
  return {
    state: {
      ...state,
      hits: totalHits,
      flag,
      flagRules: [...new Set([...state.flagRules, ...hits.map((hit) => hit.rule)])],
      flaggedAt: changingHit?.at ?? state.flaggedAt ?? hits[0]?.at,
      openAlerts,
    },
    touched,
    opened: touched.filter((alert) => opened.has(alert.rule)),
    widened: touched.filter((alert) => {
      const before = stored[alert.rule];
      return before !== undefined && alert.provinces.some((province) => !before.provinces.includes(province));
    }),
  };
};

const MAX_ATTEMPTS = 8;

export const recordUnitScans = async (input: UnitScans): Promise<void> => {
  const subjectId = subjectIdOf({ kind: 'unit', gtin: input.unit.gtin, serial: input.unit.serial });
  let stored = await getUnitScans(subjectId);
  // A redelivered batch costs one read and nothing else.
  if (newSince(stored.state.progress, input.scans).fresh.length === 0) return;
  const judged = await judgedUnit(input.unit, subjectId);
  if (judged === undefined) return;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) stored = await getUnitScans(subjectId);
    const { fresh, progress } = newSince(stored.state.progress, input.scans);
    if (fresh.length === 0) return;
    const { hits, memory } = evaluateScans(stored.state.memory, fresh, judged.rules, judged.context);
    const { state, touched, opened, widened } = applyHits(
      { ...stored.state, memory, progress },
      hits,
      judged,
      input.unit,
      subjectId,
    );
    await fileNewAlerts(opened);
    await fileWidenedAlerts(widened);
    if (await writeUnitScans(subjectId, state, stored.revision, touched)) return;
  }
  throw new Error(`The scan state of ${subjectId} kept changing under ${MAX_ATTEMPTS} attempts`);
};
