import type { KinesisStreamEvent } from 'aws-lambda';
import { logger } from '#kernel/logger';
import { loadIpRegions } from '#kernel/places/ip-regions';
import { aggregateScans, scansFromKinesis } from '#scans';

// At cold start: a function bundled without its IP database fails here, not mid-stream.
const locate = loadIpRegions();

/**
 * CloudFront real-time log records from Kinesis → scan rollups and per-unit state. Each
 * scan's place is the country CloudFront observed and the province and city of the
 * viewer's address (c-ip), looked up in memory; the address is never stored or logged. A
 * failure fails the whole batch: the event source mapping bisects and retries it, and the
 * rollups' per-shard progress makes every replay count only what was not counted.
 */
export const handler = async (event: KinesisStreamEvent): Promise<void> => {
  const scans = scansFromKinesis(event.Records, locate);
  const result = await aggregateScans(scans);
  logger.info('scan batch aggregated', { records: event.Records.length, ...result });
};
