import {
  Aws,
  CfnOutput,
  type CfnResource,
  CfnRule,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { type Attribute, AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ALL_ROUTES, ROUTES, type RouteDefinition, type RouteName } from '../shared/http/routes';
import { type KeyAttribute, MAIN_TABLE } from '../shared/store/table-definitions';
import { EdgeWebAcl, type EdgeWebAclProps } from './constructs/edge-web-acl';
import { EventJobs } from './constructs/event-jobs';
import type { Throttle } from './constructs/http-api';
import { TraceSealHttpApi } from './constructs/http-api';
import { Identity } from './constructs/identity';
import { pascalCase } from './constructs/naming';
import { SigningKey } from './constructs/signing-key';
import { grantTable, JWKS_READ_KEYS, type TableAccess, VERIFY_READ_KEYS } from './constructs/table-access';
import { TraceSealFunction } from './constructs/traceseal-function';
import { VerificationCdn } from './constructs/verification-cdn';

export { BOOTSTRAP_ADMIN_ORG_ID } from './constructs/identity';
export type { TableAccess } from './constructs/table-access';
export { VERIFY_PATH_PATTERNS } from './constructs/verification-cdn';

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
   * Per-route throttles by route name (shared/http/routes.ts), over DEFAULT_ROUTE_THROTTLES.
   * @default - DEFAULT_ROUTE_THROTTLES (infra/constructs/http-api.ts)
   */
  readonly routeThrottles?: Partial<Record<RouteName, Throttle>>;
  /**
   * Concurrent executions reserved for (and the most allowed to) the public verification
   * function: a scan flood that gets past the CDN and WAF uses these and no more, and
   * leaves the rest of the account's concurrency to custody and issuance. The account's
   * unreserved concurrency must stay at 100 or more after it.
   * @default 100
   */
  readonly verifyReservedConcurrency?: number;
}

export interface HttpFunctionSettings {
  tableAccess: TableAccess;
  memorySize?: number;
  timeout?: Duration;
  /** Needs VERIFY_BASE_URL: it prints verification URIs. */
  printsCodes?: boolean;
  /** Needs the private signing key (SIGNING_KEY_SECRET_ID and read access to the secret). */
  signsCodes?: boolean;
  /** The public scan path: gets the stack's verifyReservedConcurrency. */
  publicHotPath?: boolean;
}

/**
 * One entry per function the routes name. A route naming a function missing here fails
 * the synth (and the infra tests), so no new function gets permissions by accident.
 */
export const HTTP_FUNCTIONS: Readonly<Record<string, HttpFunctionSettings>> = {
  'create-org': { tableAccess: 'readWrite' },
  'get-org': { tableAccess: 'read' },
  'create-product': { tableAccess: 'readWrite' },
  // Up to 10,000 ECDSA signatures and 10 BatchWrite rounds per call; 1769 MB is one full
  // vCPU (the signing loop is single-threaded) and 29 s stays under API Gateway's 30 s.
  'create-batch': {
    tableAccess: 'readWrite',
    memorySize: 1769,
    timeout: Duration.seconds(29),
    printsCodes: true,
    signsCodes: true,
  },
  'get-batch': { tableAccess: 'read' },
  'list-batches': { tableAccess: 'read' },
  // Builds a page of up to 10,000 CSV/NDJSON rows in memory.
  'list-batch-codes': { tableAccess: 'read', memorySize: 1024, timeout: Duration.seconds(15), printsCodes: true },
  // Up to 1,000 events (5 MB) per call, each checked against custody state.
  'record-events': { tableAccess: 'readWrite', memorySize: 1024, timeout: Duration.seconds(29) },
  // Up to 1,000 signed SSCCs per call.
  'create-containers': {
    tableAccess: 'readWrite',
    memorySize: 1024,
    timeout: Duration.seconds(29),
    printsCodes: true,
    signsCodes: true,
  },
  'get-inventory': { tableAccess: 'read' },
  'get-chain': { tableAccess: 'read', memorySize: 1024 },
  // The public hot path: more memory is more CPU and a faster cold start for a signature
  // check; it reads only the items a verification needs.
  'verify-code': { tableAccess: { readKeys: VERIFY_READ_KEYS }, memorySize: 1024, publicHotPath: true },
  'get-jwks': { tableAccess: { readKeys: JWKS_READ_KEYS } },
  'get-openapi': { tableAccess: 'none' },
  'get-event-job': { tableAccess: 'read' },
};

const toAttribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/**
 * Wiring only: the table, then the constructs of each concern (signing key, identity and
 * authorizer, HTTP API, CDN with its WAF), then one function per route function.
 */
export class TraceSealStack extends Stack {
  public readonly table: TableV2;
  public readonly signingKey: SigningKey;
  public readonly signingKeySecret: Secret;
  public readonly identity: Identity;
  public readonly userPool: Identity['userPool'];
  public readonly httpApi: TraceSealHttpApi;
  public readonly api: TraceSealHttpApi['api'];
  public readonly cdn: VerificationCdn;
  public readonly distribution: VerificationCdn['distribution'];
  /** Sent by CloudFront, required by the authorizer on every route. */
  public readonly originVerifySecret: Secret;
  /** The rest of a POST /v1/events call that ran out of time: queue and worker. */
  public readonly eventJobs: EventJobs;
  /** The web ACL this stack made, when it was not given one. */
  public readonly webAcl?: EdgeWebAcl;
  /** The Lambda construct of every function, by folder name under functions/. */
  public readonly functions: ReadonlyMap<string, TraceSealFunction>;

  public constructor(scope: Construct, id: string, props: TraceSealStackProps = {}) {
    super(scope, id, props);
    validateProps(props);
    const functions = new Map<string, TraceSealFunction>();
    this.functions = functions;

    this.table = new TableV2(this, MAIN_TABLE.logicalId, {
      partitionKey: toAttribute(MAIN_TABLE.partitionKey),
      sortKey: toAttribute(MAIN_TABLE.sortKey),
      globalSecondaryIndexes: MAIN_TABLE.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
      })),
      timeToLiveAttribute: MAIN_TABLE.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The AWS managed key (aws/dynamodb): encrypted at rest, every use of the key in
      // CloudTrail, no key to pay for or to keep in step with grants. The table does hold
      // secrets (each product's serial HMAC key), but every function that reads a product
      // needs that key (verify-code decodes serials with it), so a customer managed key's
      // policy could not narrow access below what IAM on the table already allows. The
      // ES256 private keys are not in this table: they have their own key (SigningKey).
      encryption: TableEncryptionV2.awsManagedKey(),
    });
    // The logical id the definition names, so moving this construct can never replace the table.
    (this.table.node.defaultChild as CfnResource).overrideLogicalId(MAIN_TABLE.logicalId);

    this.signingKey = new SigningKey(this, 'SigningKey', { table: this.table });
    this.signingKeySecret = this.signingKey.secret;
    functions.set('rotate-signing-key', this.signingKey.rotation);

    this.originVerifySecret = new Secret(this, 'OriginVerifySecret', {
      description: 'Sent by CloudFront as the x-origin-verify header; the API authorizer refuses requests without it',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      // Nothing depends on its value but CloudFront and the authorizer, which both follow
      // a new one in the same deploy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront reads the origin-verify value at deploy time (a CloudFormation dynamic reference), so an automatic rotation would lock CloudFront out until the next deploy. It is a shared header value, not a credential to anything but the API front door; rotate it by updating the secret and deploying.',
    });

    this.identity = new Identity(this, 'Identity', {
      table: this.table,
      originVerifySecret: this.originVerifySecret,
      cognitoDomainPrefix: props.cognitoDomainPrefix,
    });
    this.userPool = this.identity.userPool;
    functions.set('pre-token-generation', this.identity.preTokenGeneration);
    functions.set('authorize', this.identity.authorizer);

    this.httpApi = new TraceSealHttpApi(this, 'HttpApi', {
      authorizer: this.identity.authorizer.fn,
      defaultThrottle: { rateLimit: props.apiThrottleRateLimit ?? 100, burstLimit: props.apiThrottleBurstLimit ?? 200 },
      routeThrottles: props.routeThrottles,
    });
    this.api = this.httpApi.api;

    let webAclArn = props.webAclArn;
    if (webAclArn === undefined) {
      this.webAcl = new EdgeWebAcl(this, 'EdgeWebAcl', props.webAcl);
      webAclArn = this.webAcl.webAclArn;
      this.requireUsEast1ForInlineWebAcl();
    }
    this.cdn = new VerificationCdn(this, 'Cdn', {
      apiDomainName: `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      originVerifySecret: this.originVerifySecret,
      webAclArn,
      verifyDomainName: props.verifyDomainName,
      certificateArn: props.certificateArn,
    });
    this.distribution = this.cdn.distribution;

    // The distribution depends on the API only (its id), the functions on the distribution
    // (its host), the routes on the functions: no cycle.
    this.httpApi.addRoutes(ROUTES, (route) => this.httpFunction(route, functions, props).fn);

    this.eventJobs = new EventJobs(this, 'EventJobs', {
      table: this.table,
      grantTableAccess: (fn) => grantTable(this.table, fn, 'readWrite'),
    });
    this.eventJobs.grantEnqueue(this.requireFunction('record-events').fn);
    functions.set('process-event-job', this.eventJobs.worker);

    const createOrg = this.requireFunction('create-org');
    createOrg.fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    createOrg.fn.addEnvironment('TOKEN_URL', this.identity.tokenUrl);
    createOrg.fn.addToRolePolicy(
      new PolicyStatement({
        // Delete only undoes a client whose provisioning failed half-way.
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [this.userPool.userPoolArn],
      }),
    );

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'HTTP API endpoint (answers only requests that come through the distribution)',
    });
    new CfnOutput(this, 'VerificationUrl', { value: this.cdn.baseUrl, description: 'Public verification host printed in codes' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'TokenUrl', {
      value: this.identity.tokenUrl,
      description: 'OAuth 2.0 token endpoint (client_credentials)',
    });
    new CfnOutput(this, 'BootstrapAdminClientId', {
      value: this.identity.bootstrapAdminClient.userPoolClientId,
      description: 'Admin app client; its secret: aws cognito-idp describe-user-pool-client',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** The function of a route, made (with its permissions) the first time a route names it. */
  private httpFunction(
    route: RouteDefinition,
    functions: Map<string, TraceSealFunction>,
    props: TraceSealStackProps,
  ): TraceSealFunction {
    const name = route.functionName;
    const existing = functions.get(name);
    if (existing !== undefined) return existing;
    const settings = HTTP_FUNCTIONS[name];
    if (settings === undefined) {
      throw new Error(
        `Route ${route.operationId} names function ${name}, which HTTP_FUNCTIONS in infra/traceseal-stack.ts lacks: give it its permissions there`,
      );
    }
    const fn = new TraceSealFunction(this, pascalCase(name), {
      name,
      description: `TraceSeal ${ALL_ROUTES.filter((r) => r.functionName === name)
        .map((r) => `${r.method} ${r.path}`)
        .join(', ')}`.slice(0, 256),
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      environment: {
        ...(settings.tableAccess === 'none' ? {} : { TABLE_NAME: this.table.tableName }),
        ...(settings.printsCodes === true ? { VERIFY_BASE_URL: this.cdn.baseUrl } : {}),
      },
    });
    functions.set(name, fn);
    grantTable(this.table, fn.fn, settings.tableAccess);
    if (settings.signsCodes === true) this.signingKey.grantRead(fn.fn);
    if (settings.publicHotPath === true) {
      (fn.fn.node.defaultChild as CfnResource).addPropertyOverride(
        'ReservedConcurrentExecutions',
        props.verifyReservedConcurrency ?? 100,
      );
    }
    return fn;
  }

  private requireFunction(name: string): TraceSealFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`No route uses the ${name} function`);
    return fn;
  }

  /**
   * AWS accepts a CLOUDFRONT web ACL only in us-east-1. Known at synth: fail there. Not
   * known (an environment-agnostic synth): a template rule makes CloudFormation refuse the
   * deploy elsewhere before it creates anything.
   */
  private requireUsEast1ForInlineWebAcl(): void {
    const message =
      'The CloudFront web ACL must be created in us-east-1: deploy this stack there, or pass webAclArn (infra/app.ts creates an edge stack in us-east-1 when CDK_DEFAULT_REGION is another region).';
    if (!Token.isUnresolved(this.region)) {
      if (this.region !== 'us-east-1') throw new Error(message);
      return;
    }
    new CfnRule(this, 'WebAclInUsEast1', {
      assertions: [{ assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'), assertDescription: message }],
    });
  }
}

const validateProps = (props: TraceSealStackProps): void => {
  for (const [key, value] of [
    ['apiThrottleRateLimit', props.apiThrottleRateLimit],
    ['apiThrottleBurstLimit', props.apiThrottleBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${key} must be a positive integer`);
  }
  const reserved = props.verifyReservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1 || reserved > 10_000)) {
    throw new Error('verifyReservedConcurrency must be an integer from 1 to 10000');
  }
};
