/**
 * The custody part of `npm run bench` (skip it with --no-custody): what the custody event
 * pipeline asks of DynamoDB, and how fast it records events, measured in this process
 * against DynamoDB Local (in memory) through the same services the API handlers call.
 *
 *   1. DynamoDB requests per event type, by command, and the items each event writes
 *      (custody-event-types.ts).
 *   2. Shipping and then receiving a pallet of 1, 100 and 10,000 units, then a scan of a
 *      unit inside, then the big pallet's whole lot recalled (custody-pallets.ts).
 *   2b. A scan of a unit with a long history beside one with a short history
 *      (custody-history.ts).
 *   3. Events recorded per second, one ingestEvents call at a time (custody-throughput.ts).
 *
 * This file holds the shapes the steps share and what they return; custody.ts runs them.
 */

import { withCheckDigit } from '#kernel/codes/gtin';
import { MAX_SUBJECTS_PER_EVENT } from '#shared/custody/domain/types';
import type { OpCount } from './custody-count';

export const MAX_CODES = MAX_SUBJECTS_PER_EVENT;
export const GTIN = withCheckDigit('0690000054321');
/** Packing events per ingestEvents call while pallets are built. */
export const PACKING_EVENTS_PER_CALL = 10;
/**
 * Throughput rounds end after this many events or once this long has passed, whichever
 * comes first (checked between calls), so a busy machine does not stretch the run.
 */
export const SINGLE = { maxEvents: 1000, perCall: 100, roundMs: 5000, unitsPerEvent: 1 };
export const MULTI = { maxEvents: 20, perCall: 5, roundMs: 3000, unitsPerEvent: MAX_CODES };
export type Shape = typeof SINGLE;

export interface EventRow {
  event: string;
  /** What the repository's transaction model says: 1 event + per subject a state, + a link when chained. */
  modelItems: number;
  count: OpCount;
  /** The second measured round, when it disagreed with the first. */
  secondRound?: OpCount;
}

export interface SizeRow {
  units: number;
  packingEvents: number;
  ship: OpCount;
  receive: OpCount;
  verify: OpCount & { state: string; status: string; history: string[] };
}

export interface ScanRow {
  events: number;
  count: OpCount;
  /** The verification answer as JSON, in bytes. */
  bytes: number;
  steps: number;
  omittedSteps: number;
}

export interface RateResult {
  eventsPerSecond: number;
  eventsPerSecondRange: [number, number];
  unitsPerSecond: number;
  nodeCpuMsPerEvent: number;
  eventsPerRound: number;
  unitsPerEvent: number;
  eventsPerCall: number;
  requestsPerEvent: number;
}

export interface LotRecall {
  units: number;
  count: OpCount;
  ms: number;
}

export interface LotRecallRepeated {
  copies: number;
  count: OpCount;
  ms: number;
  statuses: string[];
}

export interface ScanByHistory {
  short: ScanRow;
  long: ScanRow;
  constant: boolean;
  pastLimit: string;
}

export interface CustodyResult {
  via: string;
  /** DynamoDB Local's endpoint while it ran (it is stopped before the result is returned). */
  dynamoEndpoint: string;
  events: EventRow[];
  eventsAgree: boolean;
  sizes: SizeRow[];
  sizeConstant: boolean;
  verifiedAtDistributor: boolean;
  buildSeconds: number;
  /** Recalling the big pallet's whole lot, every unit of it packed. */
  lotRecall: LotRecall;
  /** The same recall sent again, many times in one call. */
  lotRecallRepeated: LotRecallRepeated;
  /** A scan by history length, and what the event past the per-code limit answered. */
  scanByHistory: ScanByHistory;
  throughput: {
    single: RateResult;
    multi: RateResult;
    rounds: number;
    packingDuringBuild: { eventsPerSecond: number; unitsPerSecond: number; calls: number; eventsPerCall: number };
  };
  retries: number;
  seconds: number;
}
