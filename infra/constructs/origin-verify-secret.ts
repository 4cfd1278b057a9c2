import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * The value CloudFront sends to the API as the origin-verify header (VerificationCdn) and
 * the Lambda authorizer requires on every route (Identity): the API cannot be called
 * around the distribution, its WAF and its cache.
 */
export class OriginVerifySecret extends Secret {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'Sent by CloudFront as the x-origin-verify header; the API authorizer refuses requests without it',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      // Nothing depends on its value but CloudFront and the authorizer, which both follow
      // a new one in the same deploy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront reads the origin-verify value at deploy time (a CloudFormation dynamic reference), so an automatic rotation would lock CloudFront out until the next deploy. It is a shared header value, not a credential to anything but the API front door; rotate it by updating the secret and deploying.',
    });
  }
}
