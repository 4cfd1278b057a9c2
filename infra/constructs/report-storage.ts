import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { privateBucket } from './private-bucket';
import type { TraceSealFunction } from './traceseal-function';

export interface ReportStorageProps {
  /**
   * Days after which a photo is deleted: evidence for an investigation, not an archive.
   * @default 730
   */
  readonly photoRetentionDays?: number;
}

/**
 * What counterfeit reports need besides the table: a private bucket for their photos, and
 * the pepper that turns a reporter's IP into a rate-limit key without storing the IP.
 */
export class ReportStorage extends Construct {
  public readonly photos: Bucket;
  /** Who read or wrote which photo (S3 server access logs). */
  public readonly accessLogs: Bucket;
  public readonly ipPepper: Secret;

  public constructor(scope: Construct, id: string, props: ReportStorageProps = {}) {
    super(scope, id);
    const retentionDays = props.photoRetentionDays ?? 730;
    if (!Number.isInteger(retentionDays) || retentionDays < 30)
      throw new Error('photoRetentionDays must be an integer of 30 or more');

    // Its own log bucket, owner-enforced: S3 delivers logs through a bucket policy, no ACLs.
    this.accessLogs = privateBucket(this, 'AccessLogs', {
      lifecycleRules: [{ expiration: Duration.days(retentionDays + 365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination of the report photo bucket; logging it would log the logs.',
    });

    // Evidence of reports: retained with the stack; a photo overwritten or deleted by mistake
    // can be recovered for 30 days.
    this.photos = privateBucket(this, 'Photos', {
      versioned: true,
      lifecycleRules: [
        { expiration: Duration.days(retentionDays), noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      accessLogs: { bucket: this.accessLogs, prefix: 'report-photos/' },
    });

    this.ipPepper = new Secret(this, 'IpPepper', {
      description: 'Pepper of the source-IP hash that rate-limits counterfeit reports (no IP is stored)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      // A new pepper only restarts the hourly counters.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.ipPepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A pepper, not a credential: rotating it would only reset the hourly report counters, and functions read it once per cold start; replace it by updating the secret if it ever leaks.',
    });
  }

  /** The report function: write photos (nothing else on the bucket) and read the pepper. */
  public grantReportWriter(fn: TraceSealFunction): void {
    // PutObject alone: grantPut would add tagging, legal-hold and retention writes too.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.photos.arnForObjects('*')] }));
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.photos.node.defaultChild as CfnBucket)}.Arn>/*]`,
      reason:
        'Photo keys are new per report (its reference number); the function may only put objects, never read, list or delete.',
    });
    this.ipPepper.grantRead(fn);
    fn.addEnvironment('REPORT_BUCKET_NAME', this.photos.bucketName);
    fn.addEnvironment('REPORT_PEPPER_SECRET_ID', this.ipPepper.secretArn);
  }

  /**
   * The inbox's reader: presigns GETs of photos for the regulators it shows a report to
   * (a presigned link acts with the signer's rights, so it needs GetObject and nothing else).
   */
  public grantPhotoViewer(fn: TraceSealFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.photos.arnForObjects('*')] }));
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.photos.node.defaultChild as CfnBucket)}.Arn>/*]`,
      reason:
        'Photo keys are per report (its reference number); the function only reads them to presign views, never lists, puts or deletes.',
    });
    fn.addEnvironment('REPORT_BUCKET_NAME', this.photos.bucketName);
  }
}
