import type { IpRegion } from '#kernel/places/viewer-place';
import { padSequence, type SequencedScan } from '../domain/scans';
import { parseRealtimeLogRecord } from './cdn-scan-log';

/** What the aggregator needs of one Kinesis record as Lambda delivers it. */
export interface KinesisScanRecord {
  /** `shardId-000000000000:49590338271490256608559692538361571095921575989136588898`. */
  eventID: string;
  kinesis: { data: string; sequenceNumber: string };
}

const SEQUENCE = /^\d{1,128}$/;

/**
 * The scans in a batch of Kinesis records, in stream order, each with its shard and its
 * padded sequence number. A record that is not a scan (HEAD, errors, resolver lookups) or
 * not a log line at all is skipped, never retried: retrying cannot make it one. `locate`
 * places each viewer's address (see parseRealtimeLogRecord).
 */
export const scansFromKinesis = (
  records: readonly KinesisScanRecord[],
  locate: (address: string) => IpRegion | undefined,
): SequencedScan[] => {
  const scans: SequencedScan[] = [];
  for (const record of records) {
    const shard = record.eventID.split(':')[0];
    const { sequenceNumber, data } = record.kinesis;
    if (shard === undefined || shard === '' || !SEQUENCE.test(sequenceNumber)) continue;
    const lines = Buffer.from(data, 'base64')
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    // CloudFront sends one log line per record; should a record ever hold more, each line
    // gets a suffix that still sorts after the record's own number and before the next one's.
    lines.forEach((line, index) => {
      const scan = parseRealtimeLogRecord(line, locate);
      if (scan === undefined) return;
      const sequence = padSequence(sequenceNumber);
      scans.push({ ...scan, shard, sequence: lines.length === 1 ? sequence : `${sequence}:${String(index).padStart(6, '0')}` });
    });
  }
  return scans;
};
