import { Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { TraceSealStack } from '../../infra/traceseal-stack';
import { nagReport, newApp, synthesize } from './synth';

const synth = synthesize();

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged finding on the stack', () => {
    const report = nagReport(synth.stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it('lets the app synthesize with the pack registered as a validation plugin, as `cdk synth` does', () => {
    const app = newApp();
    new TraceSealStack(app, 'TraceSeal');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('stops a synth that has a finding, wired the same way', () => {
    const failing = newApp();
    new Bucket(new Stack(failing, 'Control'), 'Unencrypted', { enforceSSL: false });
    Validations.of(failing).addPlugins(new AwsSolutionsChecks(failing));
    expect(() => failing.synth()).toThrow(/AwsSolutions-S10|Validation failed/);
  });

  it('acknowledges only specific rules, each with a reason', () => {
    const acknowledged = synth.stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      );
    // CDK records these ids with an `Annotation::` prefix, which cdk-nag strips when matching.
    expect(new Set(acknowledged.map(([id]) => id.replace(/^annotation::/i, '')))).toEqual(
      new Set([
        'AwsSolutions-S1',
        'AwsSolutions-COG8',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR4',
        'AwsSolutions-SMG4',
        // The scan aggregator's on-failure queue is itself a dead-letter destination.
        'AwsSolutions-SQS3',
        // create-report may put (never read) objects of the report photo bucket; read-inbox only reads them to presign views.
        'AwsSolutions-IAM5[Resource::<ReportStoragePhotosCCA0531B.Arn>/*]',
        // Issuance jobs: the worker puts, the batch readers get label files under batches/ (IssuanceJobs).
        'AwsSolutions-IAM5[Resource::<IssuanceJobsLabels0287039F.Arn>/batches/*]',
        // create-containers puts and presigns the label files of the containers it issues, under containers/.
        'AwsSolutions-IAM5[Resource::<IssuanceJobsLabels0287039F.Arn>/containers/*]',
        // Labs' private keys: one secret per lab under the stack's own prefix (TestReports).
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:TraceSeal/lab-keys/*]',
        // manage-test-reports puts and gets (never lists or deletes) objects of the test-report PDF bucket.
        'AwsSolutions-IAM5[Resource::<TestReportsPdfs04DEE801.Arn>/*]',
        // Audit exports: objects per job under exports/; the table archive's objects under dynamodb/ (AuditExports).
        'AwsSolutions-IAM5[Resource::<AuditExports0CF0EA70.Arn>/exports/*]',
        'AwsSolutions-IAM5[Resource::<AuditExportsArchive9EE0DADF.Arn>/dynamodb/*]',
        // The witness of signed heads: one object per head under heads/, per refusal under alarms/ (AuditCheckpoints).
        'AwsSolutions-IAM5[Resource::<AuditCheckpointsWitness34D6A7D4.Arn>/heads/*]',
        'AwsSolutions-IAM5[Resource::<AuditCheckpointsWitness34D6A7D4.Arn>/alarms/*]',
        // The web apps' uploader (BucketDeployment): CDK's own Python handler and its grants (WebApps).
        'AwsSolutions-L1',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Resource::<WebAppsBucketB0476E31.Arn>/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      ]),
    );
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
