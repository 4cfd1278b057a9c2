import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Endpoint, RealtimeLogConfig } from 'aws-cdk-lib/aws-cloudfront';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REALTIME_LOG_FIELDS } from '#shared/scans/services/cdn-scan-log';
import { TraceSealFunction } from './traceseal-function';

/**
 * What the aggregator touches: its rollups and forged-scan tallies (`SCANS#…`), and for the
 * per-unit state and anomaly rules (shared/scans/services/unit-scans.ts) the product, its lots and
 * rules, the factory, the unit's subject partition (a container's state, to tell a genuine
 * container label), the alerts and the regulators' inbox they are filed in.
 */
export const SCAN_AGGREGATOR_KEYS = ['SCANS#*', 'PRODUCT#*', 'ORG#*', 'SUBJECT#*', 'ALERT#*', 'ALERTS#*', 'INBOX#*'] as const;
/**
 * Read only: the public signing keys, to check each logged label's AI 8030 as the verify
 * path does (a log line has the status, not the verdict).
 */
export const SCAN_AGGREGATOR_READ_KEYS = ['SIGNING_KEYS'] as const;

export interface ScanRecordsProps {
  readonly table: ITableV2;
  /**
   * Records per aggregator invocation: larger batches mean fewer rollup writes per scan.
   * @default 500
   */
  readonly batchSize?: number;
}

/**
 * Scan records, off the scan path: CloudFront writes a real-time log record for every
 * request to the verification behaviors (cache hits too, which the origin never sees)
 * into an encrypted Kinesis stream; `aggregator` (functions/process-scan-log) folds them
 * into per-day rollups and per-unit scan state. The log fields (REALTIME_LOG_FIELDS)
 * include the viewer's address (`c-ip`) so that a scan's place is what CloudFront observed,
 * never what the viewer claims: the aggregator looks it up in an offline IP database in its
 * memory and keeps only country, province and city. The stream holding it is encrypted and
 * kept 48 h, the least that leaves an operator a day to replay what the dead-letter queue
 * points at after a day of retries.
 *
 * A failing batch is split and retried for up to a day; what still fails goes, as a
 * pointer to the stream records, to `deadLetterQueue` for an operator. Replays count once
 * (per-shard progress in every rollup item). One shard per stream partition is read by one
 * invocation at a time (parallelization factor 1), which keeps each shard's order.
 */
export class ScanRecords extends Construct {
  public readonly stream: Stream;
  public readonly realtimeLogConfig: RealtimeLogConfig;
  public readonly aggregator: TraceSealFunction;
  public readonly deadLetterQueue: Queue;

  public constructor(scope: Construct, id: string, props: ScanRecordsProps) {
    super(scope, id);
    // The AWS managed key (aws/kinesis): its key policy lets any principal of the account
    // that may write to the stream use it through Kinesis, CloudFront's role included, and
    // AWS rotates it.
    this.stream = new Stream(this, 'Stream', {
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(48),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudFront writes to the stream with this role: describe and put, and the key to encrypt.
    const writer = new Role(this, 'RealtimeLogRole', {
      assumedBy: new ServicePrincipal('cloudfront.amazonaws.com'),
      description: 'CloudFront real-time logs into the scan records stream',
    });
    this.stream.grantWrite(writer);
    this.stream.grant(writer, 'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary');
    this.realtimeLogConfig = new RealtimeLogConfig(this, 'RealtimeLogConfig', {
      fields: [...REALTIME_LOG_FIELDS],
      // Every scan: counts must be exact, and clone detection needs each one.
      samplingRate: 100,
      endPoints: [Endpoint.fromKinesisStream(this.stream, writer)],
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the dead-letter destination (the Kinesis event source mapping's on-failure target).",
    });
    this.aggregator = this.addAggregator(props);
  }

  /** The one consumer of the stream: batches of scans into rollups and unit scan state; failures to the DLQ. */
  private addAggregator(props: ScanRecordsProps): TraceSealFunction {
    const aggregator = new TraceSealFunction(this, 'Aggregator', {
      name: 'process-scan-log',
      description: 'TraceSeal scan records: CloudFront real-time logs into scan rollups and per-unit scan state',
      memorySize: 512,
      timeout: Duration.minutes(1),
      table: props.table,
      // The place of each scan: the viewer's address (c-ip) looked up in memory, then dropped.
      ipDatabase: true,
    });
    aggregator.grantTable({
      leadingKeys: SCAN_AGGREGATOR_KEYS,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    });
    aggregator.grantTable({ leadingKeys: SCAN_AGGREGATOR_READ_KEYS, actions: ['dynamodb:Query'] });
    aggregator.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 500,
        maxBatchingWindow: Duration.seconds(5),
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    return aggregator;
  }
}
