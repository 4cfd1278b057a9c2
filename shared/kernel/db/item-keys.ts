/**
 * Every key format of the table, and nothing else: no AWS SDK, no table name, no client.
 * Repositories build their keys here and callers never do; the CDK stack imports from
 * here too (the bootstrap admin client's link item), so synthesizing the stack never
 * creates a DynamoDB client.
 */
import { createHash } from 'node:crypto';
import type { ContainerKind } from '../codes/sscc';

import type { ItemKey } from './item-key';

export type { ItemKey } from './item-key';

// Products, batches and issuance.
export const productKey = (gtin: string): ItemKey => ({ pk: `PRODUCT#${gtin}`, sk: 'PRODUCT' });
/** A factory's products, oldest first: the owner index's partition. */
export const productsOfOrgPartition = (orgId: string): string => `ORG#${orgId}#PRODUCTS`;
export const productOwnerIndexKey = (product: { ownerOrgId: string; createdAt: string; gtin: string }) => ({
  gsi1pk: productsOfOrgPartition(product.ownerOrgId),
  gsi1sk: `${product.createdAt}#${product.gtin}`,
});
/** A product's resolver links: one item beside the product, read and replaced whole. */
export const productLinksKey = (gtin: string): ItemKey => ({ pk: `PRODUCT#${gtin}`, sk: 'LINKS' });
/** A batch lives in its product's partition under its lot, so the lot is unique by construction. */
export const BATCH_SORT_PREFIX = 'LOT#';
export const productPartition = (gtin: string): string => `PRODUCT#${gtin}`;
export const batchKey = (gtin: string, lot: string): ItemKey => ({
  pk: productPartition(gtin),
  sk: `${BATCH_SORT_PREFIX}${lot}`,
});
export const batchPointerKey = (id: string): ItemKey => ({ pk: `BATCH#${id}`, sk: 'BATCH' });
export const batchPartition = (batchId: string): string => `BATCH#${batchId}`;
export const CODE_CHUNK_PREFIX = 'CODES#';
export const codeChunkKey = (batchId: string, index: number): ItemKey => ({
  pk: batchPartition(batchId),
  sk: `${CODE_CHUNK_PREFIX}${String(index).padStart(8, '0')}`,
});
/** An issuance job's state (progress, lease, outputs) beside the code chunks of its batch. */
export const issuanceJobKey = (batchId: string): ItemKey => ({ pk: batchPartition(batchId), sk: 'ISSUANCE' });

/** Where a batch's label file lives in the label bucket (or under DATA_DIR/labels locally). */
export const labelObjectKey = (batchId: string, file: string): string => `batches/${batchId}/${file}`;
/** Label files of one containers call: their own prefix, so batch-file grants never reach them. */
export const containerLabelObjectKey = (requestId: string, file: string): string => `containers/${requestId}/${file}`;
export const idempotencyKey = (orgId: string, key: string): ItemKey => ({ pk: `IDEMPOTENCY#${orgId}#${key}`, sk: 'IDEMPOTENCY' });
/** A factory's batches, newest first: the owner index's partition. */
export const batchesOfOrgPartition = (orgId: string): string => `ORG#${orgId}#BATCHES`;
export const batchOwnerIndexKey = (batch: { ownerOrgId: string; createdAt: string; id: string }) => ({
  gsi1pk: batchesOfOrgPartition(batch.ownerOrgId),
  gsi1sk: `${batch.createdAt}#${batch.id}`,
});

// Organizations.
export const orgKey = (id: string): ItemKey => ({ pk: `ORG#${id}`, sk: 'ORG' });
/** A licence number belongs to one organization per region. */
export const licenseKey = (region: string, licenseNumber: string): ItemKey => ({
  pk: `LICENSE#${region}#${licenseNumber.toUpperCase()}`,
  sk: 'LICENSE',
});
/**
 * The partner directory: one item per term an organization's name is filed under
 * (shared/registry/domain/partner-directory.ts), in the partition of the term's first characters,
 * sorted by the term, so a name prefix is one Query of one partition.
 */
export const partnerDirectoryPartition = (bucket: string): string => `PARTNERS#${bucket}`;
export const partnerDirectoryKey = (bucket: string, term: string, orgId: string): ItemKey => ({
  pk: partnerDirectoryPartition(bucket),
  sk: `${term}#${orgId}`,
});
export const gs1PrefixKey = (prefix: string): ItemKey => ({ pk: `GS1PREFIX#${prefix}`, sk: 'GS1PREFIX' });
export const orgClientKey = (clientId: string): ItemKey => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

/** The link item as stored; the CDK stack writes the bootstrap admin client's link with it. */
export const organizationClientItem = (orgId: string, clientId: string) => ({
  ...orgClientKey(clientId),
  type: 'orgClient',
  orgId,
});

// SSCC references.
export const referenceCounterKey = (orgId: string, kind: ContainerKind): ItemKey => ({
  pk: `ORG#${orgId}`,
  sk: `SSCC_COUNTER#${kind}`,
});
export const sharedRangeKey = (orgId: string): ItemKey => ({ pk: `ORG#${orgId}`, sk: 'SSCC_RANGE' });
export const rangeCounterKey: ItemKey = { pk: 'COUNTER#SSCC_RANGES', sk: 'COUNTER' };

// Custody: states and chain links per subject, events once.
export const subjectPartition = (subjectId: string): string => `SUBJECT#${subjectId}`;
export const STATE_SORT_KEY = 'STATE';
export const CHAIN_LINK_PREFIX = 'CHAIN#';
export const stateKey = (subjectId: string): ItemKey => ({ pk: subjectPartition(subjectId), sk: STATE_SORT_KEY });
export const chainLinkKey = (subjectId: string, version: number): ItemKey => ({
  pk: subjectPartition(subjectId),
  sk: `${CHAIN_LINK_PREFIX}${String(version).padStart(8, '0')}`,
});
export const chainLinkVersion = (sortKey: string): number => Number(sortKey.slice(CHAIN_LINK_PREFIX.length));
export const eventKey = (eventId: string): ItemKey => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
/** An error declaration is stored beside the event it declares, never over it. */
export const declarationKey = (eventId: string): ItemKey => ({ pk: `EVENT#${eventId}`, sk: 'DECLARATION' });

/** The inventory index's partitions: what an organization holds, and what it has coming in. */
export const inventoryPartition = (which: 'held' | 'incoming', orgId: string): string =>
  `${which === 'held' ? 'CUSTODIAN' : 'INCOMING'}#${orgId}`;
export const lotPartition = (gtin: string, lot: string): string => `LOT#${gtin}#${lot}`;

/** The subset of a subject's state its index keys depend on. */
interface IndexedState {
  subjectId: string;
  ref: { kind: 'unit'; gtin: string; lot: string } | { kind: 'container' };
  parentId?: string;
  status: string;
  custodianOrgId: string;
  receiverOrgId?: string;
}

/** Inventory index: top-level subjects only (packed ones travel with their container). */
export const inventoryIndexKey = (state: IndexedState): { gsi1pk?: string; gsi1sk?: string } => {
  if (state.parentId !== undefined) return {};
  const gsi1sk = `${state.ref.kind}#${state.subjectId}`;
  if (state.status === 'held') return { gsi1pk: inventoryPartition('held', state.custodianOrgId), gsi1sk };
  if (state.status === 'in_transit' && state.receiverOrgId !== undefined) {
    return { gsi1pk: inventoryPartition('incoming', state.receiverOrgId), gsi1sk };
  }
  return {};
};

/** Lot index (sparse): packed units only, so a lot recall reaches the containers that hold them. */
export const lotIndexKey = (state: IndexedState): { gsi2pk?: string; gsi2sk?: string } =>
  state.ref.kind === 'unit' && state.parentId !== undefined
    ? { gsi2pk: lotPartition(state.ref.gtin, state.ref.lot), gsi2sk: state.subjectId }
    : {};

// Event jobs: one partition per job.
export const eventJobPartition = (id: string): string => `EVENTJOB#${id}`;
export const EVENT_JOB_INDEX_WIDTH = 6;
const padIndex = (index: number) => String(index).padStart(EVENT_JOB_INDEX_WIDTH, '0');
export const eventJobHeaderKey = (id: string): ItemKey => ({ pk: eventJobPartition(id), sk: 'JOB' });
export const eventJobInputKey = (id: string, last: number): ItemKey => ({
  pk: eventJobPartition(id),
  sk: `INPUT#${padIndex(last)}`,
});
export const eventJobResultKey = (id: string, last: number): ItemKey => ({
  pk: eventJobPartition(id),
  sk: `RESULT#${padIndex(last)}`,
});
/** The highest sort key a chunk of this kind can have: the end of "everything from index i on". */
export const eventJobLastSortKey = (kind: 'INPUT' | 'RESULT'): string => `${kind}#${'9'.repeat(EVENT_JOB_INDEX_WIDTH)}`;

// Signing keys: public keys only.
export const SIGNING_KEYS_PARTITION = 'SIGNING_KEYS';
export const signingKeyKey = (kid: string): ItemKey => ({ pk: SIGNING_KEYS_PARTITION, sk: `KID#${kid}` });

// Counterfeit reports: one record by reference, and a listing copy per audience.
export const reportKey = (reference: string): ItemKey => ({ pk: `REPORT#${reference}`, sk: 'REPORT' });
export const REPORT_LISTING_PREFIX = 'REPORT#';
/** The reports about a factory's products, newest last by sort key. */
export const reportsOfFactoryPartition = (orgId: string): string => `REPORTS#ORG#${orgId}`;
/** The reports of a province (`CN-GD`), for its regulators. */
export const reportsOfRegionPartition = (province: string): string => `REPORTS#REGION#${province}`;
export const reportListingSortKey = (createdAt: string, reference: string): string =>
  `${REPORT_LISTING_PREFIX}${createdAt}#${reference}`;
/** Date bounds of a listing: every sort key of the days from `from` to `to`, both included. */
export const reportListingRange = (from: string | undefined, to: string | undefined): { start: string; end: string } => ({
  start: `${REPORT_LISTING_PREFIX}${from ?? ''}`,
  end: `${REPORT_LISTING_PREFIX}${to === undefined ? '\uffff' : `${to}T\uffff`}`,
});
/** One hour's count of reports from one source-IP hash (never the IP itself). */
export const reportQuotaKey = (ipHash: string, windowStart: string): ItemKey => ({
  pk: `REPORT_QUOTA#${ipHash}`,
  sk: `WINDOW#${windowStart}`,
});

// Scans: a unit's scan state lives in its subject partition, beside its custody state, so
// the verify path reads its flag by the same leading key.
export const unitScansKey = (subjectId: string): ItemKey => ({ pk: subjectPartition(subjectId), sk: 'SCANS' });

// Events by time (a GSI key on every event item, written in its own transaction, so never
// incomplete; a day spreads over EVENT_TIME_BUCKETS hash buckets) and by facet (rows written
// after the commit). Both sort by `<recordTime>#<eventId>`, so every listing merges in one order.
export const EVENT_TIME_BUCKETS = 8;
export const eventBucketOf = (eventId: string, buckets: number): number =>
  buckets <= 1 ? 0 : (createHash('sha256').update(eventId, 'utf8').digest()[0] ?? 0) % buckets;
export const eventOrderKey = (recordTime: string, eventId: string): string => `${recordTime}#${eventId}`;
export const eventTimePartition = (day: string, bucket: number): string => `EVT#${day}#${bucket}`;
export const eventTimeIndexKey = (eventId: string, recordTime: string) => ({
  gsi3pk: eventTimePartition(recordTime.slice(0, 10), eventBucketOf(eventId, EVENT_TIME_BUCKETS)),
  gsi3sk: eventOrderKey(recordTime, eventId),
});
// Selective facets are month partitions; broad ones day partitions split by hash.
export const EVENT_FACETS = {
  party: { period: 'month', buckets: 1 },
  region: { period: 'day', buckets: 4 },
  gtin: { period: 'month', buckets: 1 },
  lot: { period: 'month', buckets: 1 },
  bizStep: { period: 'day', buckets: 8 },
} as const satisfies Record<string, { period: 'day' | 'month'; buckets: number }>;
export type EventFacet = keyof typeof EVENT_FACETS;
export const eventPeriodOf = (facet: EventFacet | 'time', isoTime: string): string =>
  isoTime.slice(0, facet === 'time' || EVENT_FACETS[facet].period === 'day' ? 10 : 7);
export const eventFacetPartition = (facet: EventFacet, value: string, period: string, bucket: number): string =>
  `EVTX#${facet}#${value}#${period}#${bucket}`;
export const eventFacetRowKey = (facet: EventFacet, value: string, recordTime: string, eventId: string): ItemKey => ({
  pk: eventFacetPartition(facet, value, eventPeriodOf(facet, recordTime), eventBucketOf(eventId, EVENT_FACETS[facet].buckets)),
  sk: eventOrderKey(recordTime, eventId),
});
export const eventSourceKey = (eventId: string, source: 'event' | 'declaration'): ItemKey =>
  source === 'event' ? eventKey(eventId) : declarationKey(eventId);

// Anomaly detection: a product's scan rules beside it; a unit's unblock history in its
// subject partition (append-only); alerts in item-keys-scans.ts.
export const productScanRulesKey = (gtin: string): ItemKey => ({ pk: `PRODUCT#${gtin}`, sk: 'SCAN_RULES' });
export const UNBLOCK_PREFIX = 'UNBLOCK#';
export const unitUnblockKey = (subjectId: string, at: string, unblockNumber: number): ItemKey => ({
  pk: subjectPartition(subjectId),
  sk: `${UNBLOCK_PREFIX}${at}#${String(unblockNumber).padStart(6, '0')}`,
});

// Topics with their own partitions, kept in their own files; re-exported so that every key
// format is still imported from here.
export * from './item-keys-audit';
export * from './item-keys-exports';
export * from './item-keys-job-slots';
export * from './item-keys-members';
export * from './item-keys-scans';
export * from './item-keys-test-reports';
