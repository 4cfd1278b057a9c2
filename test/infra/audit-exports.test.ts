import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_DAYS, AuditExports } from '../../infra/constructs/audit-exports';
import { SigningKey } from '../../infra/constructs/signing-key';
import { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { logicalIdOf, newStack } from './synth';
import { actionsOf, roleStatements } from './template-helpers';

/** The exports construct on its own: its two locked buckets, queue, worker, archive schedule and grants. */
const build = () => {
  const stack = newStack('AuditExportsProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const signingKey = new SigningKey(stack, 'SigningKey', { table });
  const accessLogs = new Bucket(stack, 'AccessLogs', { blockPublicAccess: BlockPublicAccess.BLOCK_ALL, enforceSSL: true });
  const audit = new AuditExports(stack, 'AuditExports', { table, signingKey, accessLogs });
  const reader = new TraceSealFunction(stack, 'AuditExportRead', { name: 'get-audit-export', table });
  audit.grantLinks(reader);
  return { audit, reader, template: Template.fromStack(stack) };
};

describe('AuditExports', () => {
  it('keeps exports five years under Object Lock (GOVERNANCE), the table archive five years (COMPLIANCE)', () => {
    const { template } = build();
    for (const mode of ['GOVERNANCE', 'COMPLIANCE']) {
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: {
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: mode, Days: AUDIT_RETENTION_DAYS } },
          },
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: {},
        },
      });
    }
    expect(AUDIT_RETENTION_DAYS).toBeGreaterThanOrEqual(5 * 365);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] }, {}] },
    });
  });

  it('exports the table to the archive monthly through EventBridge Scheduler', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 1 * ? *)',
      Target: { Arn: 'arn:aws:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime' },
    });
  });

  it('gives the worker its objects (put, get, abort) and the reader get only; nobody lists, deletes or bypasses the lock', () => {
    const { audit, reader, template } = build();
    const s3 = (role: string) =>
      roleStatements(template, role)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'))
        .sort();
    expect(s3(logicalIdOf(audit.worker.role))).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']);
    expect(s3(logicalIdOf(reader.role))).toEqual(['s3:GetObject']);
    const worker = roleStatements(template, logicalIdOf(audit.worker.role)).flatMap(actionsOf);
    expect(worker.filter((a) => /s3:Delete|dynamodb:Delete|Scan|Bypass|s3:\*|dynamodb:\*/.test(a))).toEqual([]);
  });

  it('lets the worker write only export jobs and the export slots they hold, never another kind of slot', () => {
    const { audit, template } = build();
    const writes = roleStatements(template, logicalIdOf(audit.worker.role)).filter((statement) =>
      actionsOf(statement).some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:PutItem'),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EXPORTJOB#*', 'JOBSLOTS#export#*'] },
    });
  });
});
