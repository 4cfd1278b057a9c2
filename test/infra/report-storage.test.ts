import { beforeAll, describe, expect, it } from 'vitest';
import { inspect, logicalIdOf, nagReport, type Synthesized, synthesize } from './synth';
import { actionsOf, resourcesOf } from './template-helpers';

/** The report bucket and pepper, and what the report functions may do with them. */
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('ReportStorage', () => {
  it('keeps photos in a private, encrypted, TLS-only, versioned, retained bucket with a lifecycle and access logs', () => {
    const { photos } = synth.stack.reportStorage;
    const bucket = resourcesOf(synth.template)[logicalIdOf(photos)];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    const properties = bucket?.Properties ?? {};
    expect(properties.BucketEncryption).toBeDefined();
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(properties.LifecycleConfiguration)).toContain('NoncurrentVersionExpiration');
    expect((properties.LoggingConfiguration as { LogFilePrefix?: string }).LogFilePrefix).toBe('report-photos/');
    expect(resourcesOf(synth.template)[logicalIdOf(synth.stack.reportStorage.accessLogs)]?.DeletionPolicy).toBe('Retain');
    const policy = Object.values(resourcesOf(synth.template)).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties?.Bucket).includes(logicalIdOf(photos)),
    );
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('aws:SecureTransport');
  });

  it('lets create-report put photos and read the pepper, read-inbox only read them; list-reports never touches it', () => {
    const { statementsOf, environmentOf } = inspect(synth);
    const bucketId = logicalIdOf(synth.stack.reportStorage.photos);
    const onBucket = (name: string) =>
      statementsOf(name)
        .filter((statement) => JSON.stringify(statement.Resource).includes(bucketId))
        .flatMap(actionsOf);
    expect(
      onBucket('create-report').every((action) =>
        /^s3:(PutObject|PutObjectLegalHold|PutObjectRetention|PutObjectTagging|PutObjectVersionTagging|Abort)/.test(action),
      ),
    ).toBe(true);
    expect(onBucket('create-report')).toContain('s3:PutObject');
    expect(onBucket('create-report').some((action) => /Get|Delete|List/.test(action))).toBe(false);
    expect(onBucket('list-reports')).toEqual([]);
    expect(Object.keys(environmentOf('create-report'))).toEqual(
      expect.arrayContaining(['REPORT_BUCKET_NAME', 'REPORT_PEPPER_SECRET_ID']),
    );
    // The inbox reader presigns photo views for regulators: GetObject, nothing else.
    expect(onBucket('read-inbox')).toEqual(['s3:GetObject']);
    expect(Object.keys(environmentOf('read-inbox'))).toContain('REPORT_BUCKET_NAME');
    for (const name of synth.stack.functions.keys()) {
      if (name !== 'create-report' && name !== 'read-inbox') expect(onBucket(name), name).toEqual([]);
    }
  });

  it('gives the report functions only their partitions of the table', () => {
    const { statementsOf } = inspect(synth);
    const leadingKeys = (name: string) =>
      statementsOf(name)
        .map((statement) => (statement as { Condition?: Record<string, Record<string, string[]>> }).Condition)
        .flatMap((condition) => condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []);
    expect(new Set(leadingKeys('create-report'))).toEqual(
      new Set(['PRODUCT#*', 'ORG#*', 'REPORT#*', 'REPORTS#*', 'REPORT_QUOTA#*', 'INBOX#*']),
    );
    expect(new Set(leadingKeys('list-reports'))).toEqual(new Set(['ORG#*', 'REPORTS#*']));
  });

  it('has no cdk-nag finding', () => {
    const report = nagReport(synth.stack);
    expect(
      report.violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('ReportStorage'))),
    ).toEqual([]);
  });
});
