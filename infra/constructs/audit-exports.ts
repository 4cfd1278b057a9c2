import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type Bucket, type CfnBucket, ObjectLockRetention, StorageClass } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobSlotsPartitionPattern } from '#kernel/db/item-keys';
import { AUDIT_RETENTION_DAYS, AuditCheckpoints } from './audit-checkpoints';
import { jobQueues } from './job-queues';
import { privateBucket } from './private-bucket';
import type { SigningKey } from './signing-key';
import { READ_ACTIONS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

export const EXPORT_BUCKET_ENV = 'EXPORT_BUCKET';
export const EXPORT_JOBS_QUEUE_URL_ENV = 'EXPORT_JOBS_QUEUE_URL';
export { AUDIT_RETENTION_DAYS };

/** Where the worker writes (shared/audit/store/export-file-store.ts) and where the table archive goes. */
const EXPORT_PREFIX = 'exports/';
const ARCHIVE_PREFIX = 'dynamodb/';

export interface AuditExportsProps {
  readonly table: ITableV2;
  /** Its active key signs the manifests (the key that signs the tree heads). */
  readonly signingKey: SigningKey;
  /** Server access logs of both buckets go here. */
  readonly accessLogs: Bucket;
  /**
   * Days after which export files move to Glacier Flexible Retrieval (still locked).
   * @default 90
   */
  readonly glacierAfterDays?: number;
  /**
   * When the table is exported to the archive bucket (an EventBridge Scheduler expression).
   * @default 'cron(0 3 1 * ? *)' (monthly)
   */
  readonly archiveSchedule?: string;
}

/**
 * Audit exports and the audit archive.
 *
 * Exports: `create-audit-export` stores a job and queues its id, the organization as the
 * message group id (a fair queue, as for issuance jobs); the `process-export-job`
 * function writes the file, its proofs and manifest to `exports` (S3 multipart) and queues
 * the id again when its 15 minutes run low. The bucket is KMS-encrypted, TLS only, private,
 * versioned, with Object Lock in GOVERNANCE mode for five years: nobody can change or delete
 * an export without the s3:BypassGovernanceRetention permission, which no role of the stack
 * has, yet an account administrator can remove one exported by mistake (e.g. to the wrong
 * organization) — COMPLIANCE would forbid even that. Files move to Glacier after
 * `glacierAfterDays`.
 *
 * Archive: a monthly DynamoDB export (point-in-time, full table) to `archive`, Object Lock
 * in COMPLIANCE mode for five years: not even the root user can shorten it. The table's own
 * PITR (35 days) covers recent mistakes; the archive the rest.
 */
export class AuditExports extends Construct {
  public readonly exports: Bucket;
  public readonly archive: Bucket;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly worker: TraceSealFunction;
  private readonly key: Key;

  public constructor(scope: Construct, id: string, props: AuditExportsProps) {
    super(scope, id);
    const glacierAfterDays = props.glacierAfterDays ?? 90;
    if (!Number.isInteger(glacierAfterDays) || glacierAfterDays < 30) throw new Error('glacierAfterDays must be 30 or more');
    const workerTimeout = Duration.minutes(15);
    const key = (this.key = new Key(this, 'ExportKey', {
      enableKeyRotation: true,
      description: 'TraceSeal audit exports and archive',
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    const lockedBucket = (name: string, retention: ObjectLockRetention, prefix: string) =>
      privateBucket(this, name, {
        encryptionKey: key,
        versioned: true,
        objectLockDefaultRetention: retention,
        lifecycleRules: [
          { transitions: [{ storageClass: StorageClass.GLACIER, transitionAfter: Duration.days(glacierAfterDays) }] },
          { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ],
        accessLogs: { bucket: props.accessLogs, prefix },
      });
    this.exports = lockedBucket('Exports', ObjectLockRetention.governance(Duration.days(AUDIT_RETENTION_DAYS)), 'audit-exports/');
    this.archive = lockedBucket('Archive', ObjectLockRetention.compliance(Duration.days(AUDIT_RETENTION_DAYS)), 'audit-archive/');

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = jobQueues(this, {
      visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
    }));

    this.worker = new TraceSealFunction(this, 'Worker', {
      name: 'process-export-job',
      description: 'TraceSeal audit exports: writes the file, its proofs and the signed manifest',
      memorySize: 1024,
      timeout: workerTimeout,
      table: props.table,
    });
    // Reads what the EPCIS query reads (the time index is a GSI, which leading keys cannot
    // scope) and the log; writes only its job's item and gives back the export slot the job
    // holds (never another kind's slots).
    this.worker.grantTable('read');
    this.worker.grantTable({
      leadingKeys: ['EXPORTJOB#*', jobSlotsPartitionPattern('export')],
      actions: [...READ_ACTIONS, 'dynamodb:UpdateItem'],
    });
    AuditCheckpoints.grantEventFeed(props.table, this.worker);
    props.signingKey.grantRead(this.worker);
    // Writes parts and reads the finished files back to hash them; never lists or deletes.
    this.grantObjects(
      this.worker,
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      ['kms:GenerateDataKey', 'kms:Decrypt'],
    );
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    this.grantEnqueue(this.worker);
    this.scheduleArchive(props.table, props.archiveSchedule ?? 'cron(0 3 1 * ? *)');
  }

  /** A monthly full export of the table (from its PITR backups: no read capacity used) into the archive. */
  private scheduleArchive(table: ITableV2, expression: string): void {
    const role = new Role(this, 'ArchiveRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:ExportTableToPointInTime'], resources: [table.tableArn] }));
    // What a DynamoDB export to S3 needs of its bucket (DynamoDB writes AWSDynamoDB/{exportId}/... under the prefix).
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:AbortMultipartUpload'],
        resources: [this.archive.arnForObjects(`${ARCHIVE_PREFIX}*`)],
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Encrypt'], resources: [this.key.keyArn] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.archive.node.defaultChild as CfnBucket)}.Arn>/${ARCHIVE_PREFIX}*]`,
      reason:
        "DynamoDB names each export's objects itself under the prefix; the role may only put objects there, never read, list or delete.",
    });
    new CfnSchedule(this, 'ArchiveSchedule', {
      description: 'TraceSeal: export the table to the audit archive (Object Lock, 5 years)',
      flexibleTimeWindow: { mode: 'OFF' },
      scheduleExpression: expression,
      target: {
        arn: 'arn:aws:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime',
        roleArn: role.roleArn,
        input: Stack.of(this).toJsonString({
          TableArn: table.tableArn,
          S3Bucket: this.archive.bucketName,
          S3Prefix: ARCHIVE_PREFIX,
          S3SseAlgorithm: 'KMS',
          S3SseKmsKeyId: this.key.keyArn,
          ExportFormat: 'DYNAMODB_JSON',
        }),
        retryPolicy: { maximumRetryAttempts: 3 },
      },
    });
  }

  /** create-audit-export: queue jobs. */
  public grantEnqueue(fn: LambdaFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(EXPORT_JOBS_QUEUE_URL_ENV, this.queue.queueUrl);
  }

  /** get-audit-export: presign GET links, which carry their signer's permission. */
  public grantLinks(fn: TraceSealFunction): void {
    this.grantObjects(fn, ['s3:GetObject'], ['kms:Decrypt']);
  }

  private grantObjects(fn: TraceSealFunction, actions: string[], keyActions: string[]): void {
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [this.exports.arnForObjects(`${EXPORT_PREFIX}*`)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: keyActions, resources: [this.key.keyArn] }));
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.exports.node.defaultChild as CfnBucket)}.Arn>/${EXPORT_PREFIX}*]`,
      reason: 'Export objects are named per job (exports/{jobId}/...), made when the job runs; no list, no delete.',
    });
    fn.addEnvironment(EXPORT_BUCKET_ENV, this.exports.bucketName);
  }
}
