import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { ROUTES, type RouteName } from '#shared/app/routes';
import { AuditCheckpoints } from './constructs/audit-checkpoints';
import { AuditExports } from './constructs/audit-exports';
import { DataTable } from './constructs/data-table';
import { EdgeWebAcl, type EdgeWebAclProps } from './constructs/edge-web-acl';
import { EventJobs } from './constructs/event-jobs';
import { type Throttle, TraceSealHttpApi } from './constructs/http-api';
import { Identity } from './constructs/identity';
import { IssuanceJobs } from './constructs/issuance-jobs';
import { OriginVerifySecret } from './constructs/origin-verify-secret';
import { ReportStorage } from './constructs/report-storage';
import { RouteFunctions } from './constructs/route-functions';
import { ScanRecords } from './constructs/scan-records';
import { SigningKey } from './constructs/signing-key';
import { SpotCheckSaltKey } from './constructs/spot-check-salt-key';
import { TestReports } from './constructs/test-reports';
import type { TraceSealFunction } from './constructs/traceseal-function';
import { VerificationCdn } from './constructs/verification-cdn';
import { WebApps } from './constructs/web-apps';

export interface TraceSealStackProps extends StackProps {
  /**
   * Host name printed in every code (e.g. `verify.example.com`). Requires `certificateArn`;
   * point the name at the distribution (CNAME or alias) after the deploy.
   * @default - the distribution's own `*.cloudfront.net` domain
   */
  readonly verifyDomainName?: string;
  /**
   * ARN of the ACM certificate for `verifyDomainName` (an ARN rather than an ICertificate,
   * so the app can pass it from context). CloudFront only accepts certificates in us-east-1.
   * @default - none (the default CloudFront certificate)
   */
  readonly certificateArn?: string;
  /**
   * Prefix of the Cognito domain that serves the token endpoint. It must be unique in the
   * region across all AWS accounts, so the default is derived from the stack's id.
   * @default - `traceseal-{the UUID in this stack's id}`
   */
  readonly cognitoDomainPrefix?: string;
  /**
   * ARN of the AWS WAF web ACL (scope CLOUDFRONT, us-east-1) in front of the distribution:
   * infra/app.ts passes the one its us-east-1 edge stack makes when this stack is elsewhere.
   * @default - a web ACL in this stack (EdgeWebAcl), which requires this stack in us-east-1
   */
  readonly webAclArn?: string;
  /**
   * Rate limits of the web ACL this stack makes when no `webAclArn` is given.
   * @default - EdgeWebAcl's defaults
   */
  readonly webAcl?: EdgeWebAclProps;
  /**
   * Steady-state requests per second of each route without a throttle of its own.
   * @default 100
   */
  readonly apiThrottleRateLimit?: number;
  /**
   * Burst of each route without a throttle of its own.
   * @default 200
   */
  readonly apiThrottleBurstLimit?: number;
  /**
   * Per-route throttles by route name (shared/app/routes.ts), over DEFAULT_ROUTE_THROTTLES.
   * @default - DEFAULT_ROUTE_THROTTLES (infra/constructs/http-api.ts)
   */
  readonly routeThrottles?: Partial<Record<RouteName, Throttle>>;
  /**
   * Concurrent executions reserved for (and the most allowed to) the public verification
   * function: a scan flood that gets past the CDN and WAF uses these and no more, and
   * leaves the rest of the account's concurrency to custody and issuance. The account's
   * unreserved concurrency must stay at 100 or more after it.
   * @default 100 (RouteFunctions)
   */
  readonly verifyReservedConcurrency?: number;
  /**
   * The built web apps (`npm run build:web`), deployed to `/console/` and `/scan`.
   * @default - WebApps' default: the `webDistDir` context value, else `<project>/web/dist`
   */
  readonly webDistDir?: string;
}

/**
 * Wiring only: the table, then the constructs of each concern (signing key, identity and
 * authorizer, HTTP API, WAF, scan records and CDN, route functions, then the event and
 * issuance jobs, report storage, spot-check salt key, test reports, audit checkpoints and
 * exports, the web apps) and what each grants the others. Construct ids are part of the deployed logical
 * ids: keep them.
 */
export class TraceSealStack extends Stack {
  public readonly table: DataTable;
  public readonly signingKey: SigningKey;
  public readonly signingKeySecret: SigningKey['secret'];
  public readonly identity: Identity;
  public readonly userPool: Identity['userPool'];
  public readonly httpApi: TraceSealHttpApi;
  public readonly api: TraceSealHttpApi['api'];
  public readonly cdn: VerificationCdn;
  public readonly scanRecords: ScanRecords;
  public readonly distribution: VerificationCdn['distribution'];
  /** Sent by CloudFront, required by the authorizer on every route. */
  public readonly originVerifySecret: OriginVerifySecret;
  /** One function per function name of the routes. */
  public readonly routeFunctions: RouteFunctions;
  /** The rest of a POST /v1/events call that ran out of time: queue and worker. */
  public readonly eventJobs: EventJobs;
  /** Counterfeit-report photos and the rate limit's IP pepper. */
  public readonly reportStorage: ReportStorage;
  /** The console and the workers' app, on the distribution. */
  public readonly webApps: WebApps;
  /** The web ACL this stack made, when it was not given one. */
  public readonly webAcl?: EdgeWebAcl;
  /** Every function of the stack, by folder name under functions/. */
  public readonly functions: ReadonlyMap<string, TraceSealFunction>;

  public constructor(scope: Construct, id: string, props: TraceSealStackProps = {}) {
    super(scope, id, props);
    // Construct ids are part of the logical ids, and the order of the constructs and grants
    // below is the order of the template's resources and policy statements: keep both.
    this.table = new DataTable(this, MAIN_TABLE.logicalId);
    this.signingKey = new SigningKey(this, 'SigningKey', { table: this.table });
    this.signingKeySecret = this.signingKey.secret;
    this.originVerifySecret = new OriginVerifySecret(this, 'OriginVerifySecret');
    this.identity = new Identity(this, 'Identity', {
      table: this.table,
      originVerifySecret: this.originVerifySecret,
      cognitoDomainPrefix: props.cognitoDomainPrefix,
    });
    this.userPool = this.identity.userPool;

    this.httpApi = new TraceSealHttpApi(this, 'HttpApi', {
      authorizer: this.identity.authorizer,
      defaultThrottle: { rateLimit: props.apiThrottleRateLimit ?? 100, burstLimit: props.apiThrottleBurstLimit ?? 200 },
      routeThrottles: props.routeThrottles,
    });
    this.api = this.httpApi.api;

    let webAclArn = props.webAclArn;
    if (webAclArn === undefined) {
      this.webAcl = new EdgeWebAcl(this, 'EdgeWebAcl', props.webAcl);
      webAclArn = this.webAcl.webAclArn;
    }
    this.scanRecords = new ScanRecords(this, 'ScanRecords', { table: this.table });
    this.cdn = new VerificationCdn(this, 'Cdn', {
      scanLog: this.scanRecords.realtimeLogConfig,
      apiDomainName: `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      originVerifySecret: this.originVerifySecret,
      webAclArn,
      verifyDomainName: props.verifyDomainName,
      certificateArn: props.certificateArn,
    });
    this.distribution = this.cdn.distribution;

    // The distribution depends on the API only (its id), the functions on the distribution
    // (its host), the routes on the functions: no cycle. `Default` keeps the functions'
    // logical ids those of children of the stack (see RouteFunctions).
    this.routeFunctions = new RouteFunctions(this, 'Default', {
      table: this.table,
      signingKey: this.signingKey,
      verifyBaseUrl: this.cdn.baseUrl,
      verifyReservedConcurrency: props.verifyReservedConcurrency,
    });
    this.httpApi.addRoutes(ROUTES, (route) => this.routeFunctions.functionFor(route));
    this.identity.grantCreateClients(this.routeFunctions.get('create-org'));
    // The console's sign-in comes back to the verification host, which exists only now.
    const consoleClient = this.identity.addConsoleClient(this.cdn.baseUrl);
    this.identity.grantManagePeople(this.routeFunctions.get('manage-org-users'));

    this.eventJobs = new EventJobs(this, 'EventJobs', { table: this.table });
    this.eventJobs.grantEnqueue(this.routeFunctions.get('record-events'));
    const issuanceJobs = this.addIssuanceJobs();
    this.reportStorage = this.addReportStorage();
    this.addSpotChecksAndTestReports();
    const audit = this.addAudit();
    this.webApps = this.addWebApps(props.webDistDir, consoleClient, {
      fetched: [issuanceJobs.labels, audit.exports.exports],
      images: [this.reportStorage.photos],
    });
    this.functions = this.allFunctions(issuanceJobs, audit);
    this.addOutputs();
  }

  /** The route functions, then the others by the construct that made each. */
  private allFunctions(
    issuanceJobs: IssuanceJobs,
    audit: { checkpoints: AuditCheckpoints; exports: AuditExports },
  ): ReadonlyMap<string, TraceSealFunction> {
    return new Map([
      ...this.routeFunctions.functions,
      ['rotate-signing-key', this.signingKey.rotation],
      ['add-org-claim', this.identity.preTokenGeneration],
      ['authorize-request', this.identity.authorizer],
      ['process-event-job', this.eventJobs.worker],
      ['process-issuance-job', issuanceJobs.worker],
      ['run-audit-checkpoint', audit.checkpoints.checkpointer],
      ['process-export-job', audit.exports.worker],
      ['process-scan-log', this.scanRecords.aggregator],
    ]);
  }

  /** Batches issued in the background: create-batch enqueues, it and get-batch link the label files. */
  private addIssuanceJobs(): IssuanceJobs {
    const issuanceJobs = new IssuanceJobs(this, 'IssuanceJobs', {
      table: this.table,
      signingKey: this.signingKey,
      verifyBaseUrl: this.cdn.baseUrl,
    });
    issuanceJobs.grantEnqueue(this.routeFunctions.get('create-batch'));
    issuanceJobs.grantLinks(this.routeFunctions.get('create-batch'));
    issuanceJobs.grantLinks(this.routeFunctions.get('get-batch'));
    issuanceJobs.grantContainerLabels(this.routeFunctions.get('create-containers'));
    return issuanceJobs;
  }

  /** Counterfeit reports: create-report writes the photos, the inbox shows them to whom it shows the report. */
  private addReportStorage(): ReportStorage {
    const reportStorage = new ReportStorage(this, 'ReportStorage');
    reportStorage.grantReportWriter(this.routeFunctions.get('create-report'));
    reportStorage.grantPhotoViewer(this.routeFunctions.get('read-inbox'));
    return reportStorage;
  }

  private addSpotChecksAndTestReports(): void {
    new SpotCheckSaltKey(this, 'SpotCheckSaltKey').grantTo(this.routeFunctions.get('manage-spot-checks'));
    new TestReports(this, 'TestReports', { accessLogs: this.reportStorage.accessLogs }).grantTo(this.routeFunctions);
  }

  /** The audit log's signed checkpoints (scheduled and on demand) and its exports. */
  private addAudit(): { checkpoints: AuditCheckpoints; exports: AuditExports } {
    const checkpoints = new AuditCheckpoints(this, 'AuditCheckpoints', {
      table: this.table,
      signingKey: this.signingKey,
      onDemand: [this.routeFunctions.get('create-checkpoint')],
      accessLogs: this.reportStorage.accessLogs,
    });
    checkpoints.grantWitnessRead(this.routeFunctions.get('read-audit-log'));

    const exports = new AuditExports(this, 'AuditExports', {
      table: this.table,
      signingKey: this.signingKey,
      accessLogs: this.reportStorage.accessLogs,
    });
    exports.grantEnqueue(this.routeFunctions.get('create-audit-export'));
    exports.grantLinks(this.routeFunctions.get('get-audit-export'));
    return { checkpoints, exports };
  }

  /** The apps sign people in at the pool: its issuer, its hosted UI and the console's app client. */
  private addWebApps(
    distDir: string | undefined,
    consoleClient: UserPoolClient,
    buckets: { fetched: Bucket[]; images: Bucket[] },
  ): WebApps {
    return new WebApps(this, 'WebApps', {
      fileBuckets: buckets,
      distribution: this.distribution,
      accessLogs: this.reportStorage.accessLogs,
      distDir,
      signIn: {
        authority: this.identity.issuer,
        clientId: consoleClient.userPoolClientId,
        issuerOrigin: `https://cognito-idp.${this.region}.${this.urlSuffix}`,
        signInOrigin: this.identity.hostedUiUrl,
      },
    });
  }

  private addOutputs(): void {
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'HTTP API endpoint (answers only requests that come through the distribution)',
    });
    new CfnOutput(this, 'VerificationUrl', { value: this.cdn.baseUrl, description: 'Public verification host printed in codes' });
    new CfnOutput(this, 'ConsoleUrl', { value: `${this.cdn.baseUrl}/console/`, description: 'The web console' });
    new CfnOutput(this, 'ScanAppUrl', { value: `${this.cdn.baseUrl}/scan`, description: "The workers' app (installable)" });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'TokenUrl', {
      value: this.identity.tokenUrl,
      description: 'OAuth 2.0 token endpoint (client_credentials)',
    });
    new CfnOutput(this, 'BootstrapAdminClientId', {
      value: this.identity.bootstrapAdminClient.userPoolClientId,
      description: 'Admin app client; its secret: aws cognito-idp describe-user-pool-client',
    });
    new CfnOutput(this, 'ConsoleClientId', {
      value: this.identity.consoleClient?.userPoolClientId ?? '',
      description: "The console's OpenID client (code + PKCE, no secret); its authority is the user pool's issuer",
    });
    new CfnOutput(this, 'HostedUiUrl', { value: this.identity.hostedUiUrl, description: 'The hosted UI people sign in at' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}
