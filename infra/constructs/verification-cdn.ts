import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  type DistributionProps,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  type IRealtimeLogConfigRef,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { API_REQUEST_SOURCE } from '../cloudfront/api-request';
import { VERIFY_REQUEST_SOURCE } from '../cloudfront/verify-request';
import { pinLogicalId } from './pin';
import {
  JWKS_CACHE_POLICY,
  VERIFY_CACHE_POLICY,
  VERIFY_CORS_POLICY,
  VERIFY_ORIGIN_REQUEST_POLICY,
} from './verification-cdn-policies';

/**
 * The only paths CloudFront caches: GS1 Digital Link verification URIs of units (AI 01
 * first) and of cases and pallets (AI 00).
 */
export const VERIFY_PATH_PATTERNS = ['/01/*', '/00/*'] as const;

/**
 * Status codes CloudFront may cache an error for (its custom error responses). Each gets a
 * minimum TTL of 0: an error is never served from the cache to anyone but its requester.
 */
export const UNCACHED_ERROR_CODES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504] as const;

const HOST_NAME_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export interface VerificationCdnProps {
  /** The HTTP API's execute-api host name. */
  readonly apiDomainName: string;
  /** Sent to the API as the origin-verify header; the authorizer refuses requests without it. */
  readonly originVerifySecret: ISecret;
  /** AWS WAF web ACL (scope CLOUDFRONT, in us-east-1): see EdgeWebAcl. */
  readonly webAclArn: string;
  /**
   * Host name printed in every code (e.g. `verify.example.com`). Requires `certificateArn`.
   * @default - the distribution's own `*.cloudfront.net` domain
   */
  readonly verifyDomainName?: string;
  /**
   * ARN of the ACM certificate for `verifyDomainName`, in us-east-1.
   * @default - none (the default CloudFront certificate)
   */
  readonly certificateArn?: string;
  /** Real-time log of the verification behaviors (ScanRecords): every scan, cache hits included. */
  readonly scanLog?: IRealtimeLogConfigRef;
}

/** Checked before anything is built: a wrong host or certificate would otherwise fail only at deploy time. */
const checkProps = (props: VerificationCdnProps): void => {
  if ((props.verifyDomainName === undefined) !== (props.certificateArn === undefined)) {
    throw new Error('verifyDomainName and certificateArn must be given together');
  }
  if (props.verifyDomainName !== undefined && !HOST_NAME_PATTERN.test(props.verifyDomainName)) {
    throw new Error(`verifyDomainName must be a lower-case host name, got "${props.verifyDomainName}"`);
  }
  const certificateArn = props.certificateArn;
  if (certificateArn !== undefined && !Token.isUnresolved(certificateArn) && certificateArn.split(':')[3] !== 'us-east-1') {
    throw new Error('CloudFront only accepts ACM certificates from us-east-1');
  }
};

const JWKS_PATH = '/.well-known/jwks.json';

/** The API as CloudFront's origin, over TLS 1.2 only. */
const apiOriginOf = (props: VerificationCdnProps): HttpOrigin =>
  new HttpOrigin(props.apiDomainName, {
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    // The API's authorizer refuses every request without it: the API cannot be called
    // around this distribution, its WAF and its cache.
    customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret.secretValue.unsafeUnwrap() },
  });

/**
 * The public front door: one CloudFront distribution for the whole API, WAF in front.
 * Only the verification paths are cached, keyed by path + AI 8030 + an Accept normalized
 * to JSON or HTML; the viewer-request function makes the origin see exactly that key, the
 * origin request policy forwards nothing else, and errors are never cached.
 */
export class VerificationCdn extends Construct {
  public readonly distribution: Distribution;
  public readonly viewerRequest: CloudFrontFunction;
  /** The uncached behaviour's viewer-request function (infra/cloudfront/api-request.ts). */
  public readonly apiViewerRequest: CloudFrontFunction;
  public readonly verifyCachePolicy: CachePolicy;
  public readonly verifyOriginRequestPolicy: OriginRequestPolicy;
  public readonly verifyCorsPolicy: ResponseHeadersPolicy;
  public readonly logBucket: Bucket;
  /** `https://` + the host printed in codes. */
  public readonly baseUrl: string;

  public constructor(scope: Construct, id: string, props: VerificationCdnProps) {
    super(scope, id);
    checkProps(props);
    // Construct ids are part of the deployed logical ids, and the order below is the
    // template's resource order: keep both.
    this.logBucket = this.createLogBucket();
    const apiOrigin = apiOriginOf(props);
    this.viewerRequest = this.viewerRequestFunction(
      'VerifyViewerRequest',
      'One raw AI 8030 and a normalized Accept: the origin sees exactly the cache key',
      VERIFY_REQUEST_SOURCE,
    );
    this.apiViewerRequest = this.viewerRequestFunction(
      'ApiViewerRequest',
      'A missing Authorization header reaches the authorizer as one, so it can answer why',
      API_REQUEST_SOURCE,
    );
    this.verifyCachePolicy = new CachePolicy(this, 'VerifyCachePolicy', VERIFY_CACHE_POLICY);
    this.verifyOriginRequestPolicy = new OriginRequestPolicy(this, 'VerifyOriginRequestPolicy', VERIFY_ORIGIN_REQUEST_POLICY);
    this.verifyCorsPolicy = new ResponseHeadersPolicy(this, 'VerifyCorsPolicy', VERIFY_CORS_POLICY);
    const jwksCachePolicy = new CachePolicy(this, 'JwksCachePolicy', JWKS_CACHE_POLICY);

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'TraceSeal public verification host and API front door',
      defaultBehavior: this.uncachedBehavior(apiOrigin),
      additionalBehaviors: Object.fromEntries([
        [JWKS_PATH, this.jwksBehavior(apiOrigin, jwksCachePolicy)],
        ...VERIFY_PATH_PATTERNS.map((pattern): [string, BehaviorOptions] => [
          pattern,
          this.verifyBehavior(apiOrigin, props.scanLog),
        ]),
      ]),
      errorResponses: UNCACHED_ERROR_CODES.map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
      ...this.customDomain(props),
    });
    // Without a custom domain, codes print this distribution's own host name: a replaced
    // distribution would break every label already printed.
    pinLogicalId(this.distribution, 'Distribution830FAC52');
    this.baseUrl = `https://${props.verifyDomainName ?? this.distribution.distributionDomainName}`;
    this.acknowledgeDistributionFindings(props);
  }

  /** CloudFront's standard logs, kept a year. */
  private createLogBucket(): Bucket {
    const bucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging writes objects with an ACL, so ACLs must stay enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(bucket, 'CdnAccessLogsF2114EF2');
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination (CloudFront logs); logging it would log the logs.',
    });
    return bucket;
  }

  private viewerRequestFunction(id: string, comment: string, source: string): CloudFrontFunction {
    return new CloudFrontFunction(this, id, {
      comment,
      code: FunctionCode.fromInline(source),
      runtime: FunctionRuntime.JS_2_0,
    });
  }

  /** Everything but the cached paths: the API itself, never cached. */
  private uncachedBehavior(origin: HttpOrigin): BehaviorOptions {
    return {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // API Gateway rejects a Host that is not its own; with caching disabled this policy
      // also forwards Authorization. It also has CloudFront add its viewer-location headers:
      // the counterfeit-report rate limit and the report's place read CloudFront-Viewer-Address
      // and -Country (shared/counterfeit-reports/http/report-request.ts), never -Country-Region or -City: CloudFront
      // does not set those on requests from the AWS network, so a viewer's own could get through.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
      functionAssociations: [{ function: this.apiViewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
    };
  }

  /** The public signing keys, cached by path alone. */
  private jwksBehavior(origin: HttpOrigin, cachePolicy: CachePolicy): BehaviorOptions {
    return {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy,
      originRequestPolicy: this.verifyOriginRequestPolicy,
      compress: true,
    };
  }

  /** A verification path: cached by the key the viewer-request function normalizes, every scan logged. */
  private verifyBehavior(origin: HttpOrigin, scanLog: IRealtimeLogConfigRef | undefined): BehaviorOptions {
    return {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // OPTIONS reaches the viewer-request function, which answers the CORS preflight.
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      responseHeadersPolicy: this.verifyCorsPolicy,
      cachePolicy: this.verifyCachePolicy,
      originRequestPolicy: this.verifyOriginRequestPolicy,
      compress: true,
      functionAssociations: [{ function: this.viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
      realtimeLogConfig: scanLog,
    };
  }

  /** The host printed in codes with its certificate, or nothing for the `*.cloudfront.net` host. */
  private customDomain(
    props: VerificationCdnProps,
  ): Pick<DistributionProps, 'domainNames' | 'certificate' | 'minimumProtocolVersion'> {
    if (props.certificateArn === undefined || props.verifyDomainName === undefined) return {};
    return {
      domainNames: [props.verifyDomainName],
      certificate: Certificate.fromCertificateArn(this, 'VerifyCertificate', props.certificateArn),
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    };
  }

  private acknowledgeDistributionFindings(props: VerificationCdnProps): void {
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'PPE is verified wherever it is sold or worn (workers, importers, customs, regulators abroad); no country may be blocked.',
    });
    if (props.certificateArn === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the default *.cloudfront.net certificate is used, whose TLS policy CloudFront fixes; with verifyDomainName + certificateArn the stack sets TLSv1.2_2021.',
      });
    }
  }
}
