import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type LifecycleRule,
  type ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface PrivateBucketProps {
  /** SSE-KMS under this key, with an S3 bucket key to keep KMS calls down; S3-managed keys without one. */
  readonly encryptionKey?: IKey;
  /** @default false */
  readonly versioned?: boolean;
  /** Turns Object Lock on with this default retention (the bucket is then versioned too). */
  readonly objectLockDefaultRetention?: ObjectLockRetention;
  readonly lifecycleRules: LifecycleRule[];
  /**
   * Where S3 server access logs of the bucket go, under `prefix`. Left out only for a
   * bucket that needs no log of its own (a log destination itself, say): the caller then
   * acknowledges AwsSolutions-S1 with its reason.
   */
  readonly accessLogs?: { readonly bucket: Bucket; readonly prefix: string };
}

/**
 * A bucket of the stack's data: never public, TLS 1.2 only, no ACLs, retained with the
 * stack. `id` is the construct id the bucket has always had under `scope`: its logical id
 * follows from it, and a retained bucket whose logical id changes is orphaned.
 */
export const privateBucket = (scope: Construct, id: string, props: PrivateBucketProps): Bucket => {
  const locked = props.objectLockDefaultRetention !== undefined;
  const bucket = new Bucket(scope, id, {
    ...(props.encryptionKey === undefined
      ? { encryption: BucketEncryption.S3_MANAGED }
      : { encryption: BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }),
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...(props.versioned === true || locked ? { versioned: true } : {}),
    ...(locked ? { objectLockEnabled: true, objectLockDefaultRetention: props.objectLockDefaultRetention } : {}),
    lifecycleRules: props.lifecycleRules,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  if (props.accessLogs !== undefined) logAccessTo(bucket, props.accessLogs.bucket, props.accessLogs.prefix);
  return bucket;
};

/**
 * Set by hand rather than with serverAccessLogsBucket, which (without the
 * serverAccessLogsUseBucketPolicy flag) would grant S3 log delivery through an ACL; the
 * destination's policy lets the logging service write this bucket's logs under `prefix` only.
 */
const logAccessTo = (bucket: Bucket, destination: Bucket, prefix: string): void => {
  (bucket.node.defaultChild as CfnBucket).loggingConfiguration = {
    destinationBucketName: destination.bucketName,
    logFilePrefix: prefix,
  };
  destination.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [destination.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
      },
    }),
  );
};
