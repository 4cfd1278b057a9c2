import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucket } from './private-bucket';
import type { RouteFunctions } from './route-functions';
import type { TraceSealFunction } from './traceseal-function';

export interface TestReportsProps {
  /** The bucket that receives S3 access logs (ReportStorage's). */
  readonly accessLogs: Bucket;
}

/**
 * What test reports need besides the table: the labs' private signing keys (one Secrets
 * Manager secret per lab, created when the lab is registered, under a name prefix derived
 * from the stack and encrypted with a customer-managed key of their own), and a private
 * bucket for the reports' PDFs.
 */
export class TestReports extends Construct {
  public readonly labKeyEncryptionKey: Key;
  public readonly pdfs: Bucket;
  /** Secret names of lab keys start with it; the lab's organization id follows. */
  public readonly labKeySecretPrefix: string;

  public constructor(scope: Construct, id: string, props: TestReportsProps) {
    super(scope, id);
    this.labKeySecretPrefix = `${Stack.of(this).stackName}/lab-keys/`;
    this.labKeyEncryptionKey = new Key(this, 'LabKeyEncryptionKey', {
      description: "Encrypts the TraceSeal labs' ES256 signing key secrets",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A report's PDF is evidence for as long as its products are worn: no expiry, versions kept.
    this.pdfs = privateBucket(this, 'Pdfs', {
      versioned: true,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      accessLogs: { bucket: props.accessLogs, prefix: 'test-reports/' },
    });
  }

  /** Every grant test reports need, to the route functions that need them (the stack's one call). */
  public grantTo(functions: RouteFunctions): this {
    this.grantLabKeyCreator(functions.get('create-org'));
    this.grantLabKeyReader(functions.get('create-lab-report'));
    this.grantPdfWriter(functions.get('manage-test-reports'));
    this.grantPdfReader(functions.get('manage-test-reports'));
    return this;
  }

  private labSecretsArn(): string {
    const stack = Stack.of(this);
    return stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${this.labKeySecretPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private acknowledgeLabSecrets(fn: TraceSealFunction): void {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${this.labKeySecretPrefix}*]`,
      reason: "One secret per lab, named by the lab's organization id under the stack's own prefix.",
    });
  }

  /** The organization registry: creates a lab's secret when the lab is registered. */
  public grantLabKeyCreator(fn: TraceSealFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:CreateSecret'], resources: [this.labSecretsArn()] }));
    this.labKeyEncryptionKey.grant(fn, 'kms:GenerateDataKey', 'kms:Encrypt');
    this.acknowledgeLabSecrets(fn);
    fn.addEnvironment('LAB_KEY_SECRET_PREFIX', this.labKeySecretPrefix);
    fn.addEnvironment('LAB_KEY_KMS_KEY_ID', this.labKeyEncryptionKey.keyArn);
  }

  /** The lab-report function: reads the calling lab's key to sign its registration. */
  public grantLabKeyReader(fn: TraceSealFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.labSecretsArn()] }));
    this.labKeyEncryptionKey.grantDecrypt(fn);
    this.acknowledgeLabSecrets(fn);
    fn.addEnvironment('LAB_KEY_SECRET_PREFIX', this.labKeySecretPrefix);
  }

  /** Factories' uploads: put PDFs (never read, list or delete). */
  public grantPdfWriter(fn: TraceSealFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.pdfs.arnForObjects('*')] }));
    this.acknowledgePdfObjects(fn);
    fn.addEnvironment('TEST_REPORT_BUCKET_NAME', this.pdfs.bucketName);
  }

  /** The PDF link: reads PDFs for callers allowed to see them. */
  public grantPdfReader(fn: TraceSealFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.pdfs.arnForObjects('*')] }));
    this.acknowledgePdfObjects(fn);
    fn.addEnvironment('TEST_REPORT_BUCKET_NAME', this.pdfs.bucketName);
  }

  private acknowledgePdfObjects(fn: TraceSealFunction): void {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.pdfs.node.defaultChild as CfnBucket)}.Arn>/*]`,
      reason: 'PDF keys are per report and content hash; the function gets one object action only.',
    });
  }
}
