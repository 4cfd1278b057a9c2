import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_DAYS, AuditCheckpoints } from '../../infra/constructs/audit-checkpoints';
import { SigningKey } from '../../infra/constructs/signing-key';
import { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { INDEXES } from '../../shared/kernel/db/table-definitions';
import { logicalIdOf, newStack } from './synth';
import { actionsOf, roleStatements } from './template-helpers';

/** The checkpoint construct on its own: its schedule, function and grants. */
const build = () => {
  const stack = newStack('AuditCheckpointsProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const signingKey = new SigningKey(stack, 'SigningKey', { table });
  const onDemand = new TraceSealFunction(stack, 'CreateCheckpoint', { name: 'create-checkpoint', table });
  const accessLogs = new Bucket(stack, 'AccessLogs');
  const audit = new AuditCheckpoints(stack, 'AuditCheckpoints', { table, signingKey, onDemand: [onDemand], accessLogs });
  return { audit, onDemand, template: Template.fromStack(stack) };
};

describe('AuditCheckpoints', () => {
  it('runs the checkpointer hourly, without retries (the next run catches up)', () => {
    const { audit, template } = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [{ Arn: { 'Fn::GetAtt': [logicalIdOf(audit.checkpointer), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300 });
  });

  it('grants the log’s own items, a Query of the time index’s partitions and the signing key; no scan, no delete', () => {
    const { audit, onDemand, template } = build();
    const statements = roleStatements(template, logicalIdOf(audit.checkpointer.role));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const all = dynamo.flatMap(actionsOf);
    expect(all.filter((a) => /Scan|Delete|dynamodb:\*/.test(a))).toEqual([]);
    const items = dynamo.find((s) => actionsOf(s).includes('dynamodb:PutItem'));
    expect(JSON.stringify(items?.Condition)).toContain('"AUDITLOG","AUDITLOG#*"');
    const feed = dynamo.find((s) => JSON.stringify(s.Resource).includes(`/index/${INDEXES.byRecordTime}`));
    expect(actionsOf(feed ?? { Effect: 'Allow', Action: [], Resource: [] })).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(feed?.Condition)).toContain('EVT#*');
    expect(all).toContain('dynamodb:Query');
    expect(statements.flatMap(actionsOf)).toContain('secretsmanager:GetSecretValue');
    const onDemandFeed = roleStatements(template, logicalIdOf(onDemand.role)).find((s) =>
      JSON.stringify(s.Resource).includes(`/index/${INDEXES.byRecordTime}`),
    );
    expect(onDemandFeed === undefined ? [] : actionsOf(onDemandFeed)).toEqual(['dynamodb:Query']);
  });

  it('publishes heads to a KMS, Object Lock COMPLIANCE witness bucket: put and read, never delete', () => {
    const { audit, onDemand, template } = build();
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: AUDIT_RETENTION_DAYS } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const fn of [audit.checkpointer, onDemand]) {
      const s3 = roleStatements(template, logicalIdOf(fn.role))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'));
      expect(new Set(s3)).toEqual(new Set(['s3:PutObject', 's3:GetObject', 's3:ListBucket']));
    }
    const list = roleStatements(template, logicalIdOf(audit.checkpointer.role)).find((s) =>
      actionsOf(s).includes('s3:ListBucket'),
    );
    expect(JSON.stringify(list?.Condition)).toContain('heads/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HEAD_WITNESS_BUCKET: Match.anyValue() }) },
    });
  });

  it('raises an alarm when a checkpoint run fails (a log inconsistent with its witness fails every run)', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});
