import type { KinesisStreamEvent } from 'aws-lambda';
import { scansFromKinesis } from '#shared/domain/kinesis-scans';
import { logger } from '#shared/logger';
import { aggregateScans } from '#shared/services/scan-aggregator';

/**
 * CloudFront real-time log records from Kinesis → scan rollups and per-unit state. A
 * failure fails the whole batch: the event source mapping bisects and retries it, and the
 * rollups' per-shard progress makes every replay count only what was not counted.
 */
export const handler = async (event: KinesisStreamEvent): Promise<void> => {
  const scans = scansFromKinesis(event.Records);
  const result = await aggregateScans(scans);
  logger.info('scan batch aggregated', { records: event.Records.length, ...result });
};
