import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobQueues } from './job-queues';
import { privateBucket } from './private-bucket';
import type { SigningKey } from './signing-key';
import { TraceSealFunction } from './traceseal-function';

/** Read by shared/issuance/services/issuance-job-dispatcher.ts and shared/issuance/store/label-file-store.ts. */
export const ISSUANCE_QUEUE_URL_ENV = 'ISSUANCE_JOBS_QUEUE_URL';
export const LABEL_BUCKET_ENV = 'LABEL_BUCKET';

export interface IssuanceJobsProps {
  readonly table: ITableV2;
  readonly signingKey: SigningKey;
  /** The verification host printed into codes (VERIFY_BASE_URL). */
  readonly verifyBaseUrl: string;
  /**
   * Worker memory in MB. Lambda gives a vCPU per 1,769 MB and the signing pool one thread per
   * vCPU: 4,096 MB is 2+ vCPUs (a million codes in well under a run), 10,240 MB is 6.
   * @default 4096
   */
  readonly workerMemorySize?: number;
  /**
   * Days a label file is kept: it is printed, then only the codes (in the table) matter.
   * @default 30
   */
  readonly labelRetentionDays?: number;
  /** @default 5 */
  readonly maxConcurrency?: number;
}

/**
 * Issuance jobs: batches of more than 10,000 codes, or with label files. create-batch stores
 * the batch with its job item and sends the batch id to `queue`, with the factory as the
 * message group id (an SQS fair queue: a factory with a backlog is served after the others,
 * and it holds at most its limit of unfinished jobs, so never all `maxConcurrency` runs); `worker`
 * (functions/process-issuance-job) signs on every vCPU, stores the code chunks, writes the
 * label files to `labels` and sends the id again when its 15 minutes run low. The bucket is
 * KMS-encrypted with its own key, refuses plain HTTP, and is read only through presigned
 * links get-batch makes; it is retained with the stack as any data is.
 */
export class IssuanceJobs extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly labels: Bucket;
  public readonly worker: TraceSealFunction;
  private readonly key: Key;

  public constructor(scope: Construct, id: string, props: IssuanceJobsProps) {
    super(scope, id);
    const workerTimeout = Duration.minutes(15);
    const retentionDays = props.labelRetentionDays ?? 30;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error('labelRetentionDays must be a positive integer');

    const key = (this.key = new Key(this, 'LabelKey', {
      enableKeyRotation: true,
      description: 'TraceSeal label files',
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    this.labels = privateBucket(this, 'Labels', {
      encryptionKey: key,
      lifecycleRules: [{ expiration: Duration.days(retentionDays) }, { abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    Validations.of(this.labels).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Label files live 30 days and are read only through presigned links that get-batch hands to the owning factory (logged there); CloudTrail data events can be enabled per account.',
    });

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = jobQueues(this, {
      visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
    }));

    this.worker = new TraceSealFunction(this, 'Worker', {
      name: 'process-issuance-job',
      description: 'TraceSeal issuance jobs: signs large lots on every vCPU and writes their label files',
      memorySize: props.workerMemorySize ?? 4096,
      timeout: workerTimeout,
      table: props.table,
      environment: { VERIFY_BASE_URL: props.verifyBaseUrl, [LABEL_BUCKET_ENV]: this.labels.bucketName },
    });
    this.worker.grantTable('readWrite');
    props.signingKey.grantRead(this.worker);
    // Put and abort only, under batches/: grantPut would add tagging and retention writes.
    this.grantObjects(this.worker, ['s3:PutObject', 's3:AbortMultipartUpload'], ['kms:GenerateDataKey', 'kms:Decrypt']);
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: props.maxConcurrency ?? 5 }),
    );
    this.grantEnqueue(this.worker);
  }

  /** create-batch: queue jobs. */
  public grantEnqueue(fn: LambdaFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(ISSUANCE_QUEUE_URL_ENV, this.queue.queueUrl);
  }

  /** get-batch: presign GET links (a presigned URL carries its signer's permission). */
  public grantLinks(fn: LambdaFunction): void {
    this.grantObjects(fn, ['s3:GetObject'], ['kms:Decrypt']);
    fn.addEnvironment(LABEL_BUCKET_ENV, this.labels.bucketName);
  }

  /**
   * create-containers: writes the label files of the containers it issues under
   * `containers/` and presigns their links; never a batch's files, never lists or deletes.
   */
  public grantContainerLabels(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [this.labels.arnForObjects('containers/*')],
      }),
    );
    this.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    fn.addEnvironment(LABEL_BUCKET_ENV, this.labels.bucketName);
    if (fn.role !== undefined) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.labels.node.defaultChild as CfnBucket)}.Arn>/containers/*]`,
        reason: 'Container label files are keyed by a new id per call; the function only puts them and presigns their links.',
      });
    }
  }

  private grantObjects(fn: LambdaFunction, s3Actions: string[], kmsActions: string[]): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: s3Actions, resources: [this.labels.arnForObjects('batches/*')] }));
    this.key.grant(fn, ...kmsActions);
    if (fn.role !== undefined) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.labels.node.defaultChild as CfnBucket)}.Arn>/batches/*]`,
        reason:
          'Label files are keyed by batch id, new per job; the worker may only put them and the batch readers only get them, never list or delete.',
      });
    }
  }
}
