/**
 * Key formats of the audit and regulator features (spot checks, organizations by province,
 * the inbox, the signed Merkle log): part of item-keys.ts, which re-exports them.
 */
import { createHash } from 'node:crypto';
import { provinceOf } from '../places/provinces';
import type { ItemKey } from './item-key';

// Spot checks: a draw's partition holds its record, its population chunks and its results.
export const spotCheckPartition = (drawId: string): string => `SPOTCHECK#${drawId}`;
export const spotCheckDrawKey = (drawId: string): ItemKey => ({ pk: spotCheckPartition(drawId), sk: 'DRAW' });
export const SPOT_CHECK_POPULATION_PREFIX = 'POPULATION#';
export const spotCheckPopulationKey = (drawId: string, index: number): ItemKey => ({
  pk: spotCheckPartition(drawId),
  sk: `${SPOT_CHECK_POPULATION_PREFIX}${String(index).padStart(4, '0')}`,
});
export const SPOT_CHECK_RESULT_PREFIX = 'RESULT#';
/** Entry `n` of a target's results: 0 is the result, each later one corrects the one before. */
export const spotCheckResultKey = (drawId: string, target: string, n: number): ItemKey => ({
  pk: spotCheckPartition(drawId),
  sk: `${SPOT_CHECK_RESULT_PREFIX}${target}#${String(n).padStart(4, '0')}`,
});
/** Every draw, newest first (draws are rare: one partition takes them all). */
export const SPOT_CHECK_DRAWS_PARTITION = 'SPOTCHECK_DRAWS';
export const spotCheckListingIndexKey = (draw: { committedAt: string; id: string }) => ({
  gsi1pk: SPOT_CHECK_DRAWS_PARTITION,
  gsi1sk: `${draw.committedAt}#${draw.id}`,
});
/** The one unrevealed draw a regulator may have open; stale once its reveal window passed. */
export const spotCheckOpenDrawKey = (regulatorOrgId: string): ItemKey => ({ pk: `ORG#${regulatorOrgId}`, sk: 'SPOTCHECK_OPEN' });
// A regulator's inspectors live in its organization's partition, each with a claim on its
// name's key so that two inspectors of one regulator never share a name.
export const INSPECTOR_PREFIX = 'INSPECTOR#';
export const inspectorKey = (regulatorOrgId: string, inspectorId: string): ItemKey => ({
  pk: `ORG#${regulatorOrgId}`,
  sk: `${INSPECTOR_PREFIX}${inspectorId}`,
});
/** Hashed: a compatibility-normalized name can grow past a sort key's 1,024 bytes. */
export const inspectorNameClaimKey = (regulatorOrgId: string, nameKey: string): ItemKey => ({
  pk: `ORG#${regulatorOrgId}`,
  sk: `INSPECTOR_NAME#${createHash('sha256').update(nameKey, 'utf8').digest('base64url')}`,
});
export const inspectorsPartition = (regulatorOrgId: string): string => `ORG#${regulatorOrgId}`;

// Organizations by province and role, for spot-check populations (owner index).
export const orgsOfRegionPartition = (province: string, role: string): string => `ORGS#${province}#${role}`;
export const orgRegionIndexKey = (org: { region: string; role: string; createdAt: string; id: string }) => ({
  gsi1pk: orgsOfRegionPartition(provinceOf(org.region), org.role),
  gsi1sk: `${org.createdAt}#${org.id}`,
});

// The regulators' inbox: an entry and its history in one partition per (kind, id), and a
// listing copy per area (province, country or UNLOCATED), newest last by sort key.
export const inboxPartition = (kind: string, id: string): string => `INBOX#${kind}#${id}`;
export const inboxEntryKey = (kind: string, id: string): ItemKey => ({ pk: inboxPartition(kind, id), sk: 'ENTRY' });
export const INBOX_HISTORY_PREFIX = 'HISTORY#';
/** History item number `version` (the change that made the entry that version): written once, never again. */
export const inboxHistoryKey = (kind: string, id: string, version: number): ItemKey => ({
  pk: inboxPartition(kind, id),
  sk: `${INBOX_HISTORY_PREFIX}${String(version).padStart(8, '0')}`,
});
export const inboxAreaPartition = (area: string): string => `INBOX#AREA#${area}`;
export const INBOX_LISTING_PREFIX = 'ENTRY#';
export const inboxListingKey = (area: string, createdAt: string, kind: string, id: string): ItemKey => ({
  pk: inboxAreaPartition(area),
  sk: `${INBOX_LISTING_PREFIX}${createdAt}#${kind}#${id}`,
});
/** Date bounds of a listing: every sort key of the days from `from` to `to`, both included. */
export const inboxListingRange = (from: string | undefined, to: string | undefined): { start: string; end: string } => ({
  start: `${INBOX_LISTING_PREFIX}${from ?? ''}`,
  end: `${INBOX_LISTING_PREFIX}${to === undefined ? '\uffff' : `${to}T\uffff`}`,
});

// Audit log (signed Merkle checkpoints): its state, leaf chunks, chunk roots, an event's leaf
// index, and the signed tree heads, kept forever.
export const AUDIT_LOG_CHUNK_WIDTH = 10;
const padChunk = (chunk: number) => String(chunk).padStart(AUDIT_LOG_CHUNK_WIDTH, '0');
export const auditLogStateKey: ItemKey = { pk: 'AUDITLOG', sk: 'STATE' };
export const AUDIT_LOG_LEAVES_PARTITION = 'AUDITLOG#LEAVES';
export const AUDIT_LOG_ROOTS_PARTITION = 'AUDITLOG#ROOTS';
export const AUDIT_LOG_HEADS_PARTITION = 'AUDITLOG#HEADS';
export const AUDIT_LOG_HEAD_PREFIX = 'HEAD#';
export const auditLogChunkKey = (chunk: number): ItemKey => ({ pk: AUDIT_LOG_LEAVES_PARTITION, sk: `CHUNK#${padChunk(chunk)}` });
export const auditLogChunkRootKey = (chunk: number): ItemKey => ({
  pk: AUDIT_LOG_ROOTS_PARTITION,
  sk: `CHUNK#${padChunk(chunk)}`,
});
export const auditLogLeafPointerKey = (eventId: string): ItemKey => ({ pk: `AUDITLOG#EVENT#${eventId}`, sk: 'LEAF' });
/** Heads sort by signing time; the size breaks ties of heads signed in the same millisecond. */
export const auditLogHeadKey = (timestamp: string, treeSize: number): ItemKey => ({
  pk: AUDIT_LOG_HEADS_PARTITION,
  sk: `${AUDIT_LOG_HEAD_PREFIX}${timestamp}#${String(treeSize).padStart(15, '0')}`,
});
