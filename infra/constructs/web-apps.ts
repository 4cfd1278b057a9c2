import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  type Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  Signing,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type Bucket, type CfnBucket, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { WEB_REQUEST_SOURCE } from '../cloudfront/web-request';
import { privateBucket } from './private-bucket';
import { PROJECT_ROOT } from './traceseal-function';
import { checkSignInOrigins, type WebFileOrigins, type WebSignInOrigins, webResponseHeadersPolicy } from './web-apps-headers';

/** The single-page apps Vite builds into the dist directory, each under its own folder and path. */
export const WEB_APPS = ['console', 'scan'] as const;

/** The distribution's behaviours that serve the apps from their bucket. */
export const WEB_PATH_PATTERNS = ['/console/*', '/console', '/scan*'] as const;

/** Vite's content-hashed output (`<app>/assets/<name>-<hash>.<ext>`), as `aws s3 sync` filters. */
export const HASHED_ASSET_FILTERS = WEB_APPS.map((app) => `${app}/assets/*`);

/** A hashed file never changes under its name: browsers and CloudFront keep it a year without asking. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Every other file (index.html, sw.js, manifest.webmanifest, config.json) is revalidated on each use. */
export const REVALIDATED_CACHE_CONTROL = 'no-cache';

/** The context key that points synth at another build (`-c webDistDir=...`). */
export const WEB_DIST_CONTEXT = 'webDistDir';

/** What the apps read from `<app>/config.json` at start to sign people in. */
export interface WebSignIn extends WebSignInOrigins {
  /** The OpenID provider's issuer URL, e.g. `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly authority: string;
  /** The console's public app client (authorization code + PKCE, no secret). */
  readonly clientId: string;
  /**
   * @default 'openid profile email'
   */
  readonly scope?: string;
}

/**
 * The origins of the buckets the apps open presigned links of, and CORS on the fetched ones:
 * any origin, since a presigned link is itself the permission (whoever holds one can fetch it
 * without a browser), and naming the distribution would make its headers policy, which names
 * these buckets, depend on itself.
 */
const fileOriginsOf = (buckets: WebAppsProps['fileBuckets']): WebFileOrigins | undefined => {
  if (buckets === undefined) return undefined;
  for (const bucket of buckets.fetched) {
    bucket.addCorsRule({
      allowedOrigins: ['*'],
      allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
      allowedHeaders: ['range'],
      exposedHeaders: ['content-length', 'content-range', 'accept-ranges', 'etag'],
      maxAge: 3600,
    });
  }
  const origin = (bucket: Bucket) => `https://${bucket.bucketRegionalDomainName}`;
  return { fetched: buckets.fetched.map(origin), images: buckets.images.map(origin) };
};

export interface WebAppsProps {
  /** The verification distribution: the apps share its origin with the API they call. */
  readonly distribution: Distribution;
  readonly signIn: WebSignIn;
  /**
   * Buckets whose presigned links the apps open from the page: `fetched` ones (label files
   * the preview reads in ranges, export files the check hashes) go into the CSP's
   * connect-src and answer CORS for GET and HEAD; `images` (report photos) into img-src.
   * @default - none: files and photos only from this origin
   */
  readonly fileBuckets?: { readonly fetched: readonly Bucket[]; readonly images: readonly Bucket[] };
  /** The bucket its S3 server access logs go to, under `web-apps/`. */
  readonly accessLogs: Bucket;
  /**
   * The built apps: `console/index.html`, `scan/index.html` and their files.
   * @default - the `webDistDir` context value, else `<project>/web/dist` (`npm run build:web`)
   */
  readonly distDir?: string;
}

const distDirOf = (scope: Construct, props: WebAppsProps): string => {
  const fromContext: unknown = scope.node.tryGetContext(WEB_DIST_CONTEXT);
  const distDir = props.distDir ?? (typeof fromContext === 'string' && fromContext !== '' ? fromContext : undefined);
  const dir = distDir ?? join(PROJECT_ROOT, 'web', 'dist');
  const missing = WEB_APPS.map((app) => join(dir, app, 'index.html')).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The web apps are not built (missing ${missing.join(', ')}): run \`npm run build:web\` first`);
  }
  return dir;
};

/**
 * The console (`/console/`) and the workers' app (`/scan`) on the verification
 * distribution, from a private bucket that only this distribution can read (origin access
 * control). Each deploy uploads the build with its cache headers and writes each app's
 * `config.json` (API base and OpenID settings) from the stack's own values.
 */
export class WebApps extends Construct {
  public readonly bucket: Bucket;
  /** Rewrites the apps' client-side routes to their index.html. */
  public readonly viewerRequest: CloudFrontFunction;
  public readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** Uploads the hashed assets, kept a year. */
  public readonly assetsDeployment: BucketDeployment;
  /** Uploads every other file and the config files, revalidated on each use; after the assets. */
  public readonly shellDeployment: BucketDeployment;
  /** The configuration each app reads at start, as written to `<app>/config.json`. */
  public readonly config: { readonly apiBase: string; readonly oidc: Record<string, string> };

  public constructor(scope: Construct, id: string, props: WebAppsProps) {
    super(scope, id);
    checkSignInOrigins(props.signIn);
    const distDir = distDirOf(this, props);

    this.bucket = privateBucket(this, 'Bucket', {
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      accessLogs: { bucket: props.accessLogs, prefix: 'web-apps/' },
    });
    this.viewerRequest = new CloudFrontFunction(this, 'ViewerRequest', {
      comment: 'Web apps: client-side routes get their app index.html; /console redirects to /console/',
      code: FunctionCode.fromInline(WEB_REQUEST_SOURCE),
      runtime: FunctionRuntime.JS_2_0,
    });
    this.responseHeadersPolicy = new ResponseHeadersPolicy(
      this,
      'ResponseHeaders',
      webResponseHeadersPolicy(props.signIn, fileOriginsOf(props.fileBuckets)),
    );
    const behavior = this.behavior();
    for (const pattern of WEB_PATH_PATTERNS) props.distribution.addBehavior(pattern, behavior.origin, behavior);

    this.config = {
      // The API is on the apps' own origin, behind the same distribution.
      apiBase: '',
      oidc: {
        authority: props.signIn.authority,
        clientId: props.signIn.clientId,
        scope: props.signIn.scope ?? 'openid profile email',
      },
    };
    const { assets, shell } = this.deployments(distDir);
    this.assetsDeployment = assets;
    this.shellDeployment = shell;
  }

  /** GET and HEAD over HTTPS from the bucket, cached by path only; no viewer header reaches S3. */
  private behavior(): BehaviorOptions {
    const originAccessControl = new S3OriginAccessControl(this, 'OriginAccessControl', {
      description: 'TraceSeal web apps: CloudFront signs every request to the bucket',
      signing: Signing.SIGV4_ALWAYS,
    });
    return {
      origin: S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessControl }),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      // Honours each object's Cache-Control: a year for hashed assets; `no-cache` files
      // are held at most its one-second minimum, so a deploy needs no invalidation.
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
      functionAssociations: [{ function: this.viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
    };
  }

  /**
   * Two deployments of the one build, split by `aws s3 sync` filters so each sets one
   * Cache-Control. The hashed assets go first and are never pruned: a tab still open on the
   * previous index.html loads its lazy chunks after the deploy. Then everything else with
   * the config files, pruned (outside the assets) so a file dropped from the build goes.
   */
  private deployments(distDir: string): { assets: BucketDeployment; shell: BucketDeployment } {
    const build = Source.asset(distDir);
    const { role, logGroup } = this.deploymentRoleAndLogs();
    const common = { destinationBucket: this.bucket, role, logGroup, memoryLimit: 512 };
    const assets = new BucketDeployment(this, 'HashedAssets', {
      ...common,
      sources: [build],
      exclude: ['*'],
      include: HASHED_ASSET_FILTERS,
      cacheControl: [CacheControl.fromString(IMMUTABLE_CACHE_CONTROL)],
      prune: false,
    });
    const shell = new BucketDeployment(this, 'Shell', {
      ...common,
      // After the build, so a config.json of its own (a local one) is replaced by the stack's.
      sources: [build, ...WEB_APPS.map((app) => Source.jsonData(`${app}/config.json`, this.config))],
      exclude: HASHED_ASSET_FILTERS,
      cacheControl: [CacheControl.fromString(REVALIDATED_CACHE_CONTROL)],
    });
    // An index.html never names an asset that is not there yet.
    shell.node.addDependency(assets);
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler !== undefined) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's bucket-deployment handler (Python with the AWS CLI layer) runs on the runtime aws-cdk-lib chooses and moves with it; it runs only at deploy time, called by CloudFormation's custom resource, with no function URL or resource policy.",
      });
    }
    return { assets, shell };
  }

  /**
   * BucketDeployment's handler is a singleton of the stack (CDK's Python function with the
   * AWS CLI layer); given this role and log group, it has no managed policy and writes only
   * its own logs. CDK then grants the role what a sync needs, and no more can be said of it.
   */
  private deploymentRoleAndLogs(): { role: Role; logGroup: LogGroup } {
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Uploads the web apps of ${Stack.of(this).stackName} at deploy time`,
    });
    logGroup.grantWrite(role);
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const reasons: Record<string, string> = {
      'Action::s3:GetBucket*': "CDK's grant for reading the build from the CDK asset bucket and syncing this bucket",
      'Action::s3:GetObject*':
        "CDK's grant for reading the build's zip from the CDK asset bucket and comparing objects in this bucket",
      'Action::s3:List*': 'aws s3 sync lists the destination to compare and prune; CDK grants its list actions as one family',
      'Action::s3:DeleteObject*': 'The shell deployment prunes files the build no longer has (outside the hashed assets)',
      'Action::s3:Abort*': 'aws s3 sync uploads large files in parts and aborts a failed upload',
      [`Resource::<${bucketId}.Arn>/*`]: 'Every object of the web apps bucket is a file of the build this role uploads',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*':
        "The build's zip is a CDK asset with a content-hashed key in the bootstrap asset bucket",
    };
    for (const [finding, reason] of Object.entries(reasons)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    return { role, logGroup };
  }
}
