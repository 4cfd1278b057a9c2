import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type Bucket, type CfnBucket, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INDEXES } from '#kernel/db/table-definitions';
import { privateBucket } from './private-bucket';
import type { SigningKey } from './signing-key';
import { JWKS_READ_KEYS, READ_ACTIONS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

/** The audit log's own items (shared/kernel/db/item-keys.ts): its state, chunks, roots, pointers and heads. */
export const AUDIT_LOG_KEYS = ['AUDITLOG', 'AUDITLOG#*'] as const;
/** What appending and signing does to them: reads, puts and the state's update; never a delete. */
export const AUDIT_LOG_WRITE_ACTIONS = [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/** Reading the public keys (to check a witnessed head) and filing the inbox alarm of a refused run. */
export const CHECKPOINT_ALARM_KEYS = [...JWKS_READ_KEYS, 'INBOX#*'] as const;
export const HEAD_WITNESS_BUCKET_ENV = 'HEAD_WITNESS_BUCKET';
/** Five years: the floor the audit data is kept for (docs/audit.md, "Retention"). */
export const AUDIT_RETENTION_DAYS = 5 * 365 + 2;
const HEADS_PREFIX = 'heads/';
const ALARMS_PREFIX = 'alarms/';
/** The event index's time partitions (`EVT#{day}#{bucket}`), the checkpointer's feed. */
export const EVENT_TIME_INDEX_KEYS = ['EVT#*'] as const;

export interface AuditCheckpointsProps {
  readonly table: ITableV2;
  /** Its active key signs the tree heads; the public half is already in the JWKS. */
  readonly signingKey: SigningKey;
  /**
   * Functions that checkpoint on demand too (the `create-checkpoint` route function): they
   * get the same feed; their item access and the key come with their route settings.
   * @default - none
   */
  readonly onDemand?: readonly TraceSealFunction[];
  /** @default Schedule.rate(Duration.hours(1)) */
  readonly schedule?: Schedule;
  /** Server access logs of the witness bucket go here. */
  readonly accessLogs: Bucket;
}

/**
 * Signed checkpoints of the audit log: an EventBridge schedule (hourly) runs the
 * `run-audit-checkpoint` function, which appends the settled events to the Merkle log and signs
 * a tree head, after proving the log extends the newest head published to the witness
 * bucket. Least privilege: item access only to the log's own partitions (plus reading the
 * public keys and filing an inbox alarm), a Query of the time index's partitions only, the
 * signing key, and put/get (never delete) on the witness.
 */
export class AuditCheckpoints extends Construct {
  public readonly checkpointer: TraceSealFunction;
  public readonly rule: Rule;
  /**
   * The witness of signed heads (shared/audit/store/head-witness.ts): KMS, TLS only, versioned,
   * Object Lock in COMPLIANCE mode for the audit retention (five years), which nobody, not
   * the root user, can shorten or lift: a head once published cannot be deleted or
   * overwritten while the audit data it vouches for must be kept. The checkpointers may
   * put and read heads, put alarms and list; no role may delete.
   */
  public readonly witness: Bucket;
  /** In alarm when a checkpoint run fails: a log that no longer extends its witnessed head fails every run. */
  public readonly refusedAlarm: Alarm;
  private readonly witnessKey: Key;

  public constructor(scope: Construct, id: string, props: AuditCheckpointsProps) {
    super(scope, id);
    // The lease in shared/audit/services/checkpoint-service.ts (6 min) outlasts this timeout.
    this.checkpointer = new TraceSealFunction(this, 'Checkpointer', {
      name: 'run-audit-checkpoint',
      description: 'TraceSeal audit log: appends settled events to the Merkle log and signs a tree head',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      table: props.table,
    });
    this.checkpointer.grantTable({ leadingKeys: AUDIT_LOG_KEYS, actions: AUDIT_LOG_WRITE_ACTIONS });
    props.signingKey.grantRead(this.checkpointer);
    this.witnessKey = new Key(this, 'WitnessKey', {
      enableKeyRotation: true,
      description: 'TraceSeal witness of signed audit-log heads',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.witness = privateBucket(this, 'Witness', {
      encryptionKey: this.witnessKey,
      versioned: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(AUDIT_RETENTION_DAYS)),
      lifecycleRules: [],
      accessLogs: { bucket: props.accessLogs, prefix: 'audit-witness/' },
    });
    for (const fn of [this.checkpointer, ...(props.onDemand ?? [])]) {
      AuditCheckpoints.grantEventFeed(props.table, fn);
      fn.grantTable({ leadingKeys: CHECKPOINT_ALARM_KEYS, actions: [...READ_ACTIONS, 'dynamodb:PutItem'] });
      this.grantWitness(fn, ['s3:PutObject', 's3:GetObject'], ['kms:GenerateDataKey', 'kms:Decrypt']);
    }
    this.refusedAlarm = new Alarm(this, 'CheckpointFailed', {
      alarmDescription:
        'TraceSeal: the audit checkpoint failed. If its log says "audit log inconsistent", the table was rewritten: see the inbox and the witness bucket alarms/.',
      metric: this.checkpointer.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.rule = new Rule(this, 'Schedule', {
      description: 'TraceSeal: sign an audit-log checkpoint',
      schedule: props.schedule ?? Schedule.rate(Duration.hours(1)),
      // A failed run is not retried: the next one an hour later appends what this one missed.
      targets: [new LambdaFunction(this.checkpointer, { retryAttempts: 0 })],
    });
  }

  /** read-audit-log: lists and reads the witnessed heads for GET /v1/audit/witness. */
  public grantWitnessRead(fn: TraceSealFunction): void {
    this.grantWitness(fn, ['s3:GetObject'], ['kms:Decrypt']);
  }

  /** Object actions under heads/ (and puts under alarms/), a listing of heads/ only, and the key. */
  private grantWitness(fn: TraceSealFunction, actions: string[], keyActions: string[]): void {
    const prefixes = actions.includes('s3:PutObject') ? [HEADS_PREFIX, ALARMS_PREFIX] : [HEADS_PREFIX];
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: prefixes.map((p) => this.witness.arnForObjects(`${p}*`)) }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.witness.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${HEADS_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: keyActions, resources: [this.witnessKey.keyArn] }));
    const bucketId = Stack.of(this).getLogicalId(this.witness.node.defaultChild as CfnBucket);
    for (const prefix of prefixes) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: 'Witnessed heads and alarms are one object each, named when signed; Object Lock (COMPLIANCE) forbids any delete.',
      });
    }
    fn.addEnvironment(HEAD_WITNESS_BUCKET_ENV, this.witness.bucketName);
  }

  /** Query of the time index's partitions, nothing else of the index. */
  public static grantEventFeed(table: ITableV2, fn: TraceSealFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${INDEXES.byRecordTime}`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...EVENT_TIME_INDEX_KEYS] } },
      }),
    );
  }
}
