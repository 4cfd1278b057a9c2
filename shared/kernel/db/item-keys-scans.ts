/**
 * Key formats of scan records: anomaly alerts and their listings, and the per-day scan
 * rollups. Part of item-keys.ts, which re-exports them.
 */
import type { ItemKey } from './item-key';

// Alerts by id, with a listing copy per audience.
export const alertKey = (id: string): ItemKey => ({ pk: `ALERT#${id}`, sk: 'ALERT' });
export const ALERT_LISTING_PREFIX = 'ALERT#';
/** The alerts about a factory's products. */
export const alertsOfFactoryPartition = (orgId: string): string => `ALERTS#ORG#${orgId}`;
/** The alerts of a province (`CN-GD`) or, for national regulators, a country (`CN`). */
export const alertsOfRegionPartition = (region: string): string => `ALERTS#REGION#${region}`;
export const alertListingSortKey = (firstAt: string, id: string): string => `${ALERT_LISTING_PREFIX}${firstAt}#${id}`;
/** Date bounds of a listing: every sort key of the days from `from` to `to`, both included. */
export const alertListingRange = (from: string | undefined, to: string | undefined): { start: string; end: string } => ({
  start: `${ALERT_LISTING_PREFIX}${from ?? ''}`,
  end: `${ALERT_LISTING_PREFIX}${to === undefined ? '\uffff' : `${to}T\uffff`}`,
});

// Scan rollups: one item per audience scope and UTC day, under its own SCANS# partition so
// the aggregator's and the summary's table access can be keyed to it.
export const SCAN_ROLLUP_DAY_PREFIX = 'DAY#';
export const scanRollupPartition = (
  scope:
    | { kind: 'factory'; orgId: string }
    | { kind: 'product'; gtin: string }
    | { kind: 'lot'; gtin: string; lot: string }
    | { kind: 'area'; area: string },
): string => {
  switch (scope.kind) {
    case 'factory':
      return `SCANS#ORG#${scope.orgId}`;
    case 'product':
      return `SCANS#GTIN#${scope.gtin}`;
    case 'lot':
      return `SCANS#LOT#${scope.gtin}#${scope.lot}`;
    case 'area':
      return `SCANS#AREA#${scope.area}`;
  }
};
export const scanRollupKey = (scope: Parameters<typeof scanRollupPartition>[0], day: string): ItemKey => ({
  pk: scanRollupPartition(scope),
  sk: `${SCAN_ROLLUP_DAY_PREFIX}${day}`,
});

// Scans of a product's forged labels: one tally per registered GTIN and UTC day, under
// SCANS# like the rollups (the aggregator's partitions), apart from the summaries' reads.
export const forgedScanTallyKey = (gtin: string, day: string): ItemKey => ({
  pk: `SCANS#FORGED#${gtin}`,
  sk: `${SCAN_ROLLUP_DAY_PREFIX}${day}`,
});
