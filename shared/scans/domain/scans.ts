import type { ScanPlace } from '#kernel/places/viewer-place';

/**
 * What one public scan leaves behind, whichever way it reached us (a CloudFront real-time
 * log record in AWS, the local gateway's log here). Coarse on purpose: a place is a
 * country, an ISO 3166-2 province and a city, with coordinates rounded to 0.1 degree (about
 * 11 km), and the viewer is a user-agent class. An IP address never enters a record.
 */
export const UA_CLASSES = ['wechat', 'alipay', 'mobile_browser', 'desktop_browser', 'scanner_app', 'bot', 'other'] as const;
export type UaClass = (typeof UA_CLASSES)[number];

/**
 * What a scan named: the label's identity and its AI 8030 as the viewer sent it. The digsig
 * is kept so that the aggregator can tell a genuine label's scan from a forged one: a
 * request log carries the status, never the verdict.
 */
export type ScannedSubject =
  | { kind: 'unit'; gtin: string; lot: string; serial: string; digsig?: string }
  | { kind: 'container'; sscc: string; digsig?: string };

export interface ScanRecord {
  /** Unique per viewer request (CloudFront's x-edge-request-id; locally a random id). */
  requestId: string;
  /** ISO 8601, UTC, millisecond precision. */
  at: string;
  subject: ScannedSubject;
  place: ScanPlace;
  ua: UaClass;
}

/**
 * A record with its position in its stream: Kinesis shard and sequence number (locally
 * shard `local` and a counter). Sequence numbers are compared as strings, so they are
 * always stored padded to SEQUENCE_WIDTH digits.
 */
export interface SequencedScan extends ScanRecord {
  shard: string;
  sequence: string;
}

/** Kinesis sequence numbers are decimal strings of up to 128 digits. */
export const SEQUENCE_WIDTH = 128;
export const padSequence = (sequence: string): string => sequence.padStart(SEQUENCE_WIDTH, '0');

/** Per shard, the last sequence number an aggregate item has absorbed. */
export type ShardProgress = Record<string, string>;

/**
 * The scans an aggregate item has not absorbed yet, and the progress it will have once it
 * has. Kinesis retries a failed batch (and may split it), so a record can arrive twice;
 * counting only what lies beyond each shard's stored sequence keeps every count exact.
 */
export const newSince = <S extends SequencedScan>(
  progress: ShardProgress,
  scans: readonly S[],
): { fresh: S[]; progress: ShardProgress } => {
  const next: ShardProgress = { ...progress };
  const fresh: S[] = [];
  for (const scan of scans) {
    const last = next[scan.shard];
    if (last !== undefined && scan.sequence <= last) continue;
    fresh.push(scan);
    next[scan.shard] = scan.sequence;
  }
  return { fresh, progress: next };
};
