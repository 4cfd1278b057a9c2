import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INDEXES } from '#shared/store/table-definitions';
import type { SigningKey } from './signing-key';
import { READ_ACTIONS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

/** The audit log's own items (shared/store/keys.ts): its state, chunks, roots, pointers and heads. */
export const AUDIT_LOG_KEYS = ['AUDITLOG', 'AUDITLOG#*'] as const;
/** What appending and signing does to them: reads, puts and the state's update; never a delete. */
export const AUDIT_LOG_WRITE_ACTIONS = [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
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
}

/**
 * Signed checkpoints of the audit log: an EventBridge schedule (hourly) runs the
 * `audit-checkpoint` function, which appends the settled events to the Merkle log and signs
 * a tree head. Least privilege: item access only to the log's own partitions, a Query of the
 * time index's partitions only, and the signing key.
 */
export class AuditCheckpoints extends Construct {
  public readonly checkpointer: TraceSealFunction;
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: AuditCheckpointsProps) {
    super(scope, id);
    // The lease in shared/services/audit/checkpoint-service.ts (6 min) outlasts this timeout.
    this.checkpointer = new TraceSealFunction(this, 'Checkpointer', {
      name: 'audit-checkpoint',
      description: 'TraceSeal audit log: appends settled events to the Merkle log and signs a tree head',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      table: props.table,
    });
    this.checkpointer.grantTable({ leadingKeys: AUDIT_LOG_KEYS, actions: AUDIT_LOG_WRITE_ACTIONS });
    props.signingKey.grantRead(this.checkpointer);
    for (const fn of [this.checkpointer, ...(props.onDemand ?? [])]) AuditCheckpoints.grantEventFeed(props.table, fn);
    this.rule = new Rule(this, 'Schedule', {
      description: 'TraceSeal: sign an audit-log checkpoint',
      schedule: props.schedule ?? Schedule.rate(Duration.hours(1)),
      // A failed run is not retried: the next one an hour later appends what this one missed.
      targets: [new LambdaFunction(this.checkpointer, { retryAttempts: 0 })],
    });
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
