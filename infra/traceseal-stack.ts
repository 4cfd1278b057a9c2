import {
  Aws,
  CfnOutput,
  CfnResource,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolOperation,
  AccountRecovery,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, TableEncryptionV2, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { CfnRotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { SCOPE_PREFIX, scopeForRole } from '../shared/auth/principal';
import { ROLES } from '../shared/domain/types';
import { ALL_ROUTES } from '../shared/http/routes';
import { organizationClientItem } from '../shared/store/org-repository';
import { MAIN_TABLE, type KeyAttribute } from '../shared/store/table-definitions';
import { NORMALIZE_ACCEPT_SOURCE } from './cloudfront/normalize-accept';
import { TraceSealFunction } from './constructs/traceseal-function';

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
   * Prefix of the Cognito domain that serves the token endpoint
   * (`https://{prefix}.auth.{region}.amazoncognito.com/oauth2/token`). It must be unique
   * in the region across all AWS accounts, so the default is derived from the stack's id.
   * @default - `traceseal-{the UUID in this stack's id}`
   */
  readonly cognitoDomainPrefix?: string;
  /**
   * ARN of an AWS WAF web ACL (scope CLOUDFRONT, created in us-east-1) for the distribution.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Steady-state requests per second the HTTP API accepts across all routes.
   * @default 100
   */
  readonly apiThrottleRateLimit?: number;
  /**
   * Burst of requests the HTTP API accepts across all routes.
   * @default 200
   */
  readonly apiThrottleBurstLimit?: number;
}

/** Each level includes the previous; nothing may delete items (TTL expires them). */
export type TableAccess = 'none' | 'read' | 'readWrite';
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  none: [],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:BatchWriteItem',
  ],
};

export interface HttpFunctionSettings {
  tableAccess: TableAccess;
  memorySize?: number;
  timeout?: Duration;
  /** Needs VERIFY_BASE_URL: it prints verification URIs. */
  printsCodes?: boolean;
  /** Needs the private signing key (SIGNING_KEY_SECRET_ID and read access to the secret). */
  signsCodes?: boolean;
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
  // The public hot path: more memory is more CPU and a faster cold start for a signature check.
  'verify-code': { tableAccess: 'read', memorySize: 1024 },
  'get-jwks': { tableAccess: 'read' },
  'get-openapi': { tableAccess: 'none' },
};

/** The org_id that tokens of the stack's own admin client carry. */
export const BOOTSTRAP_ADMIN_ORG_ID = 'bootstrap-admin';

/**
 * The only paths CloudFront caches: GS1 Digital Link verification URIs of units (AI 01
 * first) and of cases and pallets (AI 00).
 */
export const VERIFY_PATH_PATTERNS = ['/01/*', '/00/*'] as const;

const DOMAIN_PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_NAME_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const toAttribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** DynamoDB JSON for a flat item of strings, as the PutItem API (not the document client) takes it. */
const toAttributeValues = (item: Record<string, string>): Record<string, { S: string }> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: value }]));

export class TraceSealStack extends Stack {
  public readonly table: TableV2;
  public readonly api: HttpApi;
  public readonly distribution: Distribution;
  public readonly userPool: UserPool;
  public readonly signingKeySecret: Secret;
  /** The Lambda construct of every function, by folder name under functions/. */
  public readonly functions: ReadonlyMap<string, TraceSealFunction>;

  public constructor(scope: Construct, id: string, props: TraceSealStackProps = {}) {
    super(scope, id, props);
    validateProps(props);

    const functions = new Map<string, TraceSealFunction>();
    this.functions = functions;

    // ---- Data -----------------------------------------------------------------------
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
      // ES256 private keys are not in this table: they have their own key (below).
      encryption: TableEncryptionV2.awsManagedKey(),
    });
    // The logical id the definition names, so moving this construct can never replace the table.
    (this.table.node.defaultChild as CfnResource).overrideLogicalId(MAIN_TABLE.logicalId);

    const tableResources = [
      this.table.tableArn,
      ...MAIN_TABLE.globalIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`),
    ];
    const grantTable = (fn: IFunction, access: TableAccess): void => {
      const actions = TABLE_ACTIONS[access];
      if (actions.length > 0) fn.addToRolePolicy(new PolicyStatement({ actions, resources: tableResources }));
    };

    // ---- Signing key ----------------------------------------------------------------
    const signingKeyEncryption = new Key(this, 'SigningKeyEncryptionKey', {
      description: 'Encrypts the TraceSeal ES256 signing key secret',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.signingKeySecret = new Secret(this, 'SigningKeySecret', {
      description: 'The active TraceSeal ES256 signing key: JSON {kid, privateKeyPem}. Rotated every 90 days.',
      encryptionKey: signingKeyEncryption,
      removalPolicy: RemovalPolicy.RETAIN,
      // A JSON placeholder without a kid: until the first rotation (right after the
      // deploy) issuance answers 503 NO_SIGNING_KEY rather than failing to parse.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ status: 'awaiting-first-rotation' }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
    });
    const rotation = this.addFunction(functions, 'RotateSigningKey', {
      name: 'rotate-signing-key',
      description: 'Secrets Manager rotation of the ES256 signing key; publishes each public key first',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: { TABLE_NAME: this.table.tableName },
    });
    // Query to keep kids unique, PutItem to publish the public key; nothing else.
    rotation.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query', 'dynamodb:PutItem'], resources: [this.table.tableArn] }),
    );
    // Wired by hand rather than with addRotationSchedule, which would also grant
    // secretsmanager:GetRandomPassword on * (we generate EC keys, not passwords) and let
    // Secrets Manager of any account invoke the function.
    rotation.fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [this.signingKeySecret.secretArn],
      }),
    );
    rotation.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [signingKeyEncryption.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.${this.urlSuffix}` } },
      }),
    );
    const invokeForRotation = new CfnPermission(this, 'RotateSigningKeyInvokedBySecretsManager', {
      action: 'lambda:InvokeFunction',
      functionName: rotation.fn.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: this.account,
    });
    const schedule = new CfnRotationSchedule(this, 'SigningKeyRotation', {
      secretId: this.signingKeySecret.secretArn,
      rotationLambdaArn: rotation.fn.functionArn,
      rotationRules: { scheduleExpression: 'rate(90 days)' },
      // Rotates once right after it is created, so the first key exists when the deploy ends.
      rotateImmediatelyOnUpdate: true,
    });
    // Secrets Manager checks at once that it may invoke the function.
    schedule.node.addDependency(invokeForRotation);

    // ---- Identity: Cognito client-credentials tokens ---------------------------------
    this.userPool = new UserPool(this, 'UserPool', {
      // ESSENTIALS is the cheapest plan on which the V3 pre-token-generation trigger runs
      // for client-credentials (machine-to-machine) tokens.
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      // Nobody signs in as a user (every caller is an app client), but should an operator
      // ever create a user, these make it a strong one.
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.NONE,
      deletionProtection: true,
      // The app clients are the organizations' credentials.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const scopes = Object.fromEntries(
      ROLES.map((role) => [
        role,
        new ResourceServerScope({ scopeName: role, scopeDescription: `Call the API in the ${role} role` }),
      ]),
    ) as Record<(typeof ROLES)[number], ResourceServerScope>;
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: SCOPE_PREFIX.replace(/\/$/, ''),
      scopes: Object.values(scopes),
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        domainPrefix:
          props.cognitoDomainPrefix ?? Fn.join('-', ['traceseal', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
      },
    });
    const tokenUrl = `${domain.baseUrl()}/oauth2/token`;
    const bootstrapAdminClient = this.userPool.addClient('BootstrapAdminClient', {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.resourceServer(resourceServer, scopes.admin)] },
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    const preTokenGeneration = this.addFunction(functions, 'PreTokenGeneration', {
      name: 'pre-token-generation',
      description: "Adds the app client's organization (org_id) to every access token",
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: Duration.seconds(5),
      environment: { TABLE_NAME: this.table.tableName },
    });
    preTokenGeneration.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }),
    );
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'No user ever signs in: every caller is a machine-to-machine app client. The Plus plan adds threat protection for user sign-ins only; Essentials already runs the V3 pre-token trigger for client credentials.',
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, preTokenGeneration.fn, LambdaVersion.V3_0);

    // The bootstrap admin client is linked like any organization's client, as a table
    // item written at deploy time. (An environment variable on the trigger would be a
    // dependency cycle: pool -> trigger -> client -> pool.)
    this.linkBootstrapAdminClient(bootstrapAdminClient.userPoolClientId);

    // ---- HTTP API ---------------------------------------------------------------------
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'TraceSeal: PPE code issuance, registry and verification',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      // Who called what and when is audit data: it outlives the stack (until retention).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.apiThrottleRateLimit ?? 100, burstLimit: props.apiThrottleBurstLimit ?? 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integration.latency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            clientId: '$context.authorizer.claims.client_id',
            orgId: '$context.authorizer.claims.org_id',
          }),
        ),
      },
    });
    // The audience starts with the bootstrap admin client; create-org appends every
    // organization's client at run time (UpdateAuthorizer). CloudFormation only rewrites
    // the audience if this definition changes, which would drop those clients again: keep
    // the issuer, audience and identity source below unchanged once deployed.
    const authorizer = new HttpJwtAuthorizer('CognitoJwtAuthorizer', `https://${this.userPool.userPoolProviderUrl}`, {
      jwtAudience: [bootstrapAdminClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    // ---- Public verification host (CloudFront) -----------------------------------------
    const cdnLogs = new Bucket(this, 'CdnAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging writes objects with an ACL, so ACLs must stay enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(cdnLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination (CloudFront logs); logging it would log the logs.',
    });

    const apiOrigin = new HttpOrigin(`${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const normalizeAccept = new CloudFrontFunction(this, 'NormalizeAccept', {
      comment: 'Reduces Accept to text/html or application/json so verdicts cache per representation',
      code: FunctionCode.fromInline(NORMALIZE_ACCEPT_SOURCE),
      runtime: FunctionRuntime.JS_2_0,
    });
    const verifyCachePolicy = new CachePolicy(this, 'VerifyCachePolicy', {
      comment: 'Verification verdicts: path + AI 8030 + normalized Accept; the origin sets s-maxage',
      queryStringBehavior: CacheQueryStringBehavior.allowList('8030'),
      headerBehavior: CacheHeaderBehavior.allowList('Accept'),
      cookieBehavior: CacheCookieBehavior.none(),
      // The origin decides: 60 s for a verdict that can change (recall, expiry), a day for an
      // invalid signature, no-store for errors. Nothing is cached without its say-so.
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const uncached: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // API Gateway rejects a Host that is not its own; with caching disabled this policy
      // also forwards Authorization.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'TraceSeal public verification host and API front door',
      defaultBehavior: uncached,
      additionalBehaviors: Object.fromEntries(
        VERIFY_PATH_PATTERNS.map((pattern): [string, BehaviorOptions] => [
          pattern,
          {
            origin: apiOrigin,
            viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
            cachedMethods: CachedMethods.CACHE_GET_HEAD,
            cachePolicy: verifyCachePolicy,
            originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            compress: true,
            functionAssociations: [{ function: normalizeAccept, eventType: FunctionEventType.VIEWER_REQUEST }],
          },
        ]),
      ),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
      ...(props.certificateArn === undefined || props.verifyDomainName === undefined
        ? {}
        : {
            domainNames: [props.verifyDomainName],
            certificate: Certificate.fromCertificateArn(this, 'VerifyCertificate', props.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
    });
    this.acknowledgeDistributionFindings(props);

    // The distribution depends on the API only (its id), the functions on the distribution
    // (its domain): no cycle.
    const verifyBaseUrl = `https://${props.verifyDomainName ?? this.distribution.distributionDomainName}`;

    // ---- One function per route's functionName, one route per route -----------------
    for (const route of ALL_ROUTES) {
      const name = route.functionName;
      const settings = HTTP_FUNCTIONS[name];
      if (settings === undefined) {
        throw new Error(
          `Route ${route.operationId} names function ${name}, which HTTP_FUNCTIONS in infra/traceseal-stack.ts lacks: give it its permissions there`,
        );
      }
      let fn = functions.get(name);
      if (fn === undefined) {
        fn = this.addFunction(functions, pascalCase(name), {
          name,
          description: `TraceSeal ${ALL_ROUTES.filter((r) => r.functionName === name)
            .map((r) => `${r.method} ${r.path}`)
            .join(', ')}`.slice(0, 256),
          memorySize: settings.memorySize,
          timeout: settings.timeout,
          environment: {
            ...(settings.tableAccess === 'none' ? {} : { TABLE_NAME: this.table.tableName }),
            ...(settings.printsCodes === true ? { VERIFY_BASE_URL: verifyBaseUrl } : {}),
          },
        });
        grantTable(fn.fn, settings.tableAccess);
        if (settings.signsCodes === true) {
          fn.fn.addEnvironment('SIGNING_KEY_SECRET_ID', this.signingKeySecret.secretArn);
          // GetSecretValue/DescribeSecret on this secret, kms:Decrypt through Secrets Manager only.
          this.signingKeySecret.grantRead(fn.fn);
        }
      }
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.operationId)}Integration`, fn.fn),
        ...(route.auth === 'public'
          ? {}
          : { authorizer, authorizationScopes: route.auth.map((role) => scopeForRole(role)) }),
      });
      if (route.auth === 'public' && httpRoute !== undefined) {
        Validations.of(httpRoute).acknowledge(
{
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design: anyone holding a code, or verifying offline, may call it.`,
        });
      }
    }

    // ---- Function-specific permissions ---------------------------------------------------
    const createOrg = this.requireFunction('create-org');
    // authorizerId exists once a route has bound the authorizer (above).
    const authorizerArn = this.formatArn({
      service: 'apigateway',
      account: '',
      resource: '/apis',
      resourceName: `${this.api.apiId}/authorizers/${authorizer.authorizerId}`,
    });
    createOrg.fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    createOrg.fn.addEnvironment('HTTP_API_ID', this.api.apiId);
    createOrg.fn.addEnvironment('JWT_AUTHORIZER_ID', authorizer.authorizerId);
    createOrg.fn.addEnvironment('TOKEN_URL', tokenUrl);
    createOrg.fn.addToRolePolicy(
      new PolicyStatement({
        // Delete only undoes a client whose provisioning failed half-way.
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [this.userPool.userPoolArn],
      }),
    );
    createOrg.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['apigateway:GET', 'apigateway:PATCH'], resources: [authorizerArn] }),
    );

    // ---- Outputs ------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'HTTP API endpoint (also behind the distribution)' });
    new CfnOutput(this, 'VerificationUrl', { value: verifyBaseUrl, description: 'Public verification host printed in codes' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'TokenUrl', { value: tokenUrl, description: 'OAuth 2.0 token endpoint (client_credentials)' });
    new CfnOutput(this, 'BootstrapAdminClientId', {
      value: bootstrapAdminClient.userPoolClientId,
      description: 'Admin app client; its secret: aws cognito-idp describe-user-pool-client',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  private addFunction(
    functions: Map<string, TraceSealFunction>,
    id: string,
    props: ConstructorParameters<typeof TraceSealFunction>[2],
  ): TraceSealFunction {
    const fn = new TraceSealFunction(this, id, props);
    functions.set(props.name, fn);
    return fn;
  }

  private requireFunction(name: string): TraceSealFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`No route uses the ${name} function`);
    return fn;
  }

  /** PutItem of the link item the org repository defines, on every deploy (idempotent). */
  private linkBootstrapAdminClient(clientId: string): void {
    const logGroup = new LogGroup(this, 'BootstrapAdminClientLinkLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role so that the provider needs no AWSLambdaBasicExecutionRole.
    const role = new Role(this, 'BootstrapAdminClientLinkRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes the bootstrap admin client link at deploy time',
    });
    logGroup.grantWrite(role);
    const link = new AwsCustomResource(this, 'BootstrapAdminClientLink', {
      onUpdate: {
        service: 'DynamoDB',
        action: 'PutItem',
        parameters: {
          TableName: this.table.tableName,
          Item: toAttributeValues(organizationClientItem(BOOTSTRAP_ADMIN_ORG_ID, clientId)),
        },
        physicalResourceId: PhysicalResourceId.of(clientId),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.table.tableArn] }),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
    link.node.addDependency(this.table);
  }

  private acknowledgeDistributionFindings(props: TraceSealStackProps): void {
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'PPE is verified wherever it is sold or worn (workers, importers, customs, regulators abroad); no country may be blocked.',
    });
    if (props.webAclArn === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No web ACL by default (WAF for CloudFront must live in us-east-1; pass webAclArn to attach one). Scan floods are absorbed by the cache (invalid verdicts are cached a day) and API stage throttling.',
      });
    }
    if (props.certificateArn === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the default *.cloudfront.net certificate is used, whose TLS policy CloudFront fixes; with verifyDomainName + certificateArn the stack sets TLSv1.2_2021.',
      });
    }
  }
}

const validateProps = (props: TraceSealStackProps): void => {
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
  const prefix = props.cognitoDomainPrefix;
  if (prefix !== undefined && (!DOMAIN_PREFIX_PATTERN.test(prefix) || /aws|amazon|cognito/.test(prefix))) {
    throw new Error(
      `cognitoDomainPrefix must be 1-63 lower-case letters, digits and inner hyphens without aws, amazon or cognito, got "${prefix}"`,
    );
  }
  for (const [key, value] of [
    ['apiThrottleRateLimit', props.apiThrottleRateLimit],
    ['apiThrottleBurstLimit', props.apiThrottleBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${key} must be a positive integer`);
  }
};

const pascalCase = (value: string): string =>
  value
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
