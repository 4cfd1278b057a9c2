import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { REALTIME_LOG_FIELDS } from '#shared/scans/services/cdn-scan-log';
import { ScanRecords } from '../../infra/constructs/scan-records';
import { logicalIdOf, nagReport, newStack, synthesize } from './synth';
import { actionsOf, resourcesOfType, roleStatements } from './template-helpers';

/** The scan records construct alone, and wired into the stack's distribution. */
const build = () => {
  const stack = newStack('ScanRecordsProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const records = new ScanRecords(stack, 'ScanRecords', { table });
  return { stack, records, template: Template.fromStack(stack) };
};

describe('ScanRecords', () => {
  it('a KMS-encrypted (aws/kinesis) on-demand stream, kept 48 h', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 48,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
  });

  it('a real-time log of every request with our fields, the address CloudFront saw but never X-Forwarded-For, written by a CloudFront-only role', () => {
    const { records, template } = build();
    template.hasResourceProperties('AWS::CloudFront::RealtimeLogConfig', {
      SamplingRate: 100,
      Fields: [...REALTIME_LOG_FIELDS],
      EndPoints: [Match.objectLike({ StreamType: 'Kinesis' })],
    });
    const [[, config] = ['', undefined]] = resourcesOfType(template, 'AWS::CloudFront::RealtimeLogConfig');
    // The place comes from what CloudFront observed (c-country, c-ip), never from what the
    // viewer sent (X-Forwarded-For is the viewer's to write).
    expect(config?.Properties?.Fields).toEqual(expect.arrayContaining(['c-ip', 'c-country']));
    expect(JSON.stringify(config?.Properties?.Fields)).not.toMatch(/x-forwarded-for/);
    const writerRole = resourcesOfType(template, 'AWS::IAM::Role').find(([, role]) =>
      JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes('cloudfront.amazonaws.com'),
    );
    expect(writerRole).toBeDefined();
    const actions = roleStatements(template, writerRole?.[0] ?? '').flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary']));
    expect(actions.filter((a) => a.startsWith('kinesis:Get') || a.startsWith('dynamodb:'))).toEqual([]);
    expect(logicalIdOf(records.realtimeLogConfig)).toMatch(/^ScanRecordsRealtimeLogConfig/);
  });

  it('an aggregator reading the stream in order, bisecting and retrying failures, then an encrypted TLS-only dead-letter queue', () => {
    const { records, template } = build();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 24 * 3600,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(records.deadLetterQueue), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const [[, policy] = ['', undefined]] = resourcesOfType(template, 'AWS::SQS::QueuePolicy');
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('grants the aggregator its partitions only, and no deletes', () => {
    const { records, template } = build();
    const statements = roleStatements(template, logicalIdOf(records.aggregator.role));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) expect(JSON.stringify(statement.Condition)).toContain('dynamodb:LeadingKeys');
    const writes = dynamo.filter((s) => actionsOf(s).includes('dynamodb:PutItem'));
    expect(writes.map((s) => JSON.stringify(s.Condition).includes('SCANS#*'))).toEqual([true]);
    // The signing keys, to check each scanned label's AI 8030: read, never written.
    const keys = dynamo.filter((s) => JSON.stringify(s.Condition).includes('SIGNING_KEYS'));
    expect(keys.map(actionsOf)).toEqual([['dynamodb:Query']]);
    expect(statements.flatMap(actionsOf).filter((a) => /Delete(Item|Table)|dynamodb:\*|Scan$/.test(a))).toEqual([]);
  });

  it('ships the aggregator its offline IP database and says where it is', () => {
    const { records, template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IP2REGION_DATA_DIR: 'ip2region' }) },
    });
    expect(records.aggregator.node.id).toBe('Aggregator');
  });

  it('passes cdk-nag', () => {
    const { stack } = build();
    const ours = nagReport(stack).violations.filter((v) =>
      v.violatingResources.some((r) => !r.constructPath?.startsWith('ScanRecordsProbe/Table')),
    );
    expect(ours.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
  });

  it('is attached to the verification behaviors of the stack’s distribution, and only to them', () => {
    const synthesized = synthesize();
    const configId = logicalIdOf(synthesized.stack.scanRecords.realtimeLogConfig);
    const [[, distribution] = ['', undefined]] = resourcesOfType(synthesized.template, 'AWS::CloudFront::Distribution');
    const config = distribution?.Properties?.DistributionConfig as {
      CacheBehaviors: { PathPattern: string; RealtimeLogConfigArn?: unknown }[];
      DefaultCacheBehavior: { RealtimeLogConfigArn?: unknown };
    };
    const logged = config.CacheBehaviors.filter((b) => JSON.stringify(b.RealtimeLogConfigArn ?? '').includes(configId));
    expect(logged.map((b) => b.PathPattern).sort()).toEqual(['/00/*', '/01/*']);
    expect(config.DefaultCacheBehavior.RealtimeLogConfigArn).toBeUndefined();
  });
});
