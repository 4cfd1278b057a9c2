import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GeneratedSecret } from './generated-secret';

/**
 * The value CloudFront sends to the API as the origin-verify header (VerificationCdn) and
 * the Lambda authorizer requires on every route (Identity): the API cannot be called
 * around the distribution, its WAF and its cache. Identity grants it to the authorizer,
 * which takes an ISecret.
 */
export class OriginVerifySecret extends GeneratedSecret {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'Sent by CloudFront as the x-origin-verify header; the API authorizer refuses requests without it',
      // Nothing depends on its value but CloudFront and the authorizer, which both follow
      // a new one in the same deploy.
      removalPolicy: RemovalPolicy.DESTROY,
      withoutRotation:
        'CloudFront reads the origin-verify value at deploy time (a CloudFormation dynamic reference), so an automatic rotation would lock CloudFront out until the next deploy. It is a shared header value, not a credential to anything but the API front door; rotate it by updating the secret and deploying.',
    });
  }
}
