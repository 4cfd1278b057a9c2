import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SCOPE_PREFIX } from '#kernel/auth/principal';
import { organizationClientItem } from '#kernel/db/item-keys';
import { ROLES } from '#kernel/roles';
import { pinLogicalId } from './pin';
import { CLIENT_LINK_KEYS, MEMBERSHIP_KEYS, ORGANIZATION_KEYS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

/** The org_id that tokens of the stack's own admin client carry. */
export const BOOTSTRAP_ADMIN_ORG_ID = 'bootstrap-admin';

export interface IdentityProps {
  /** Holds the app-client -> organization links the token trigger reads. */
  readonly table: ITableV2;
  /** The value CloudFront sends as the origin-verify header; the authorizer reads it. */
  readonly originVerifySecret: ISecret;
  /**
   * Prefix of the Cognito domain that serves the token endpoint
   * (`https://{prefix}.auth.{region}.amazoncognito.com/oauth2/token`). It must be unique in
   * the region across all AWS accounts.
   * @default - `traceseal-{the UUID in the stack's id}`
   */
  readonly cognitoDomainPrefix?: string;
}

const DOMAIN_PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** DynamoDB JSON for a flat item of strings, as the PutItem API (not the document client) takes it. */
const toAttributeValues = (item: Record<string, string>): Record<string, { S: string }> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: value }]));

/**
 * Who may call the API: a Cognito user pool of client-credentials app clients (one per
 * organization, its role as the scope `traceseal/{role}`) and of people (the organizations'
 * users, who sign in to the console through the hosted UI with code + PKCE), the V3
 * pre-token trigger that adds `org_id` (and for a person its membership's role scope), a
 * bootstrap admin client, and the API's Lambda authorizer (functions/authorize-request),
 * which verifies the pool's access tokens by its JWKS and needs no change when an
 * organization or a person is added.
 */
export class Identity extends Construct {
  public readonly userPool: UserPool;
  public readonly bootstrapAdminClient: UserPoolClient;
  /** `iss` of the pool's tokens. */
  public readonly issuer: string;
  public readonly tokenUrl: string;
  /** The hosted UI's base URL (`https://{prefix}.auth.{region}.amazoncognito.com`): the console's sign-in endpoints. */
  public readonly hostedUiUrl: string;
  /** The console's public app client (code + PKCE), once addConsoleClient made it. */
  public consoleClient?: UserPoolClient;
  public readonly preTokenGeneration: TraceSealFunction;
  public readonly authorizer: TraceSealFunction;

  public constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const prefix = props.cognitoDomainPrefix;
    if (prefix !== undefined && (!DOMAIN_PREFIX_PATTERN.test(prefix) || /aws|amazon|cognito/.test(prefix))) {
      throw new Error(
        `cognitoDomainPrefix must be 1-63 lower-case letters, digits and inner hyphens without aws, amazon or cognito, got "${prefix}"`,
      );
    }

    this.userPool = this.createUserPool();
    const { tokenUrl, hostedUiUrl, issuer, bootstrapAdminClient } = this.addScopesDomainAndAdminClient(prefix);
    this.tokenUrl = tokenUrl;
    this.hostedUiUrl = hostedUiUrl;
    this.issuer = issuer;
    this.bootstrapAdminClient = bootstrapAdminClient;

    this.preTokenGeneration = this.addPreTokenGeneration(props.table);

    // The bootstrap admin client is linked like any organization's client, as a table
    // item written at deploy time. (An environment variable on the trigger would be a
    // dependency cycle: pool -> trigger -> client -> pool.)
    this.linkBootstrapAdminClient(props.table);

    this.authorizer = this.addAuthorizer(props);
  }

  /** The pool: app clients only, and strong users should an operator ever create one. */
  private createUserPool(): UserPool {
    const pool = new UserPool(this, 'UserPool', {
      // ESSENTIALS is the cheapest plan on which the V3 pre-token-generation trigger runs
      // for client-credentials (machine-to-machine) tokens.
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      // People of organizations sign in to the console: strong passwords and a second factor.
      // Nobody signs up: an organization's admin invites them (AdminCreateUser).
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
    pinLogicalId(pool, 'UserPool6BA7E5F2');
    return pool;
  }

  /** The role scopes, the token domain and the operators' bootstrap admin client. */
  private addScopesDomainAndAdminClient(prefix: string | undefined) {
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
    // A replaced resource server or domain would collide with its own identifier or prefix.
    pinLogicalId(resourceServer, 'UserPoolResourceServer05D1463A');
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: prefix ?? Fn.join('-', ['traceseal', Fn.select(2, Fn.split('/', Aws.STACK_ID))]) },
    });
    pinLogicalId(domain, 'UserPoolDomainD0EA232A');
    const hostedUiUrl = domain.baseUrl();
    const tokenUrl = `${hostedUiUrl}/oauth2/token`;
    const issuer = `https://${this.userPool.userPoolProviderUrl}`;
    const bootstrapAdminClient = this.userPool.addClient('BootstrapAdminClient', {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.resourceServer(resourceServer, scopes.admin)] },
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // Its id and secret are the operators' credentials.
    pinLogicalId(bootstrapAdminClient, 'UserPoolBootstrapAdminClient1F8C2FCA');
    return { tokenUrl, hostedUiUrl, issuer, bootstrapAdminClient };
  }

  /** Adds the app client's organization to every access token (the V3 pre-token trigger). */
  private addPreTokenGeneration(table: IdentityProps['table']): TraceSealFunction {
    const trigger = new TraceSealFunction(this, 'PreTokenGeneration', {
      name: 'add-org-claim',
      description: "Adds the organization (org_id) to every token: an app client's, or a person's membership with its role scope",
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: Duration.seconds(5),
      table,
    });
    pinLogicalId(trigger.logGroup, 'PreTokenGenerationLogGroup56984400');
    trigger.grantTable({ leadingKeys: [...CLIENT_LINK_KEYS, ...MEMBERSHIP_KEYS], actions: ['dynamodb:GetItem'] });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        "People sign in only after an organization's admin invited them (no self sign-up), with a 14-character password and a required TOTP second factor, and a removal ends their tokens at the authorizer; the Plus plan's threat protection (risk-based sign-in checks) is an operator's choice of cost, not a gap in these. Essentials runs the V3 pre-token trigger for both client credentials and people.",
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, trigger, LambdaVersion.V3_0);
    return trigger;
  }

  /** The HTTP API's authorizer: origin-verify header, access token, role scope, registered organization. */
  private addAuthorizer(props: IdentityProps): TraceSealFunction {
    const authorizer = new TraceSealFunction(this, 'Authorizer', {
      name: 'authorize-request',
      description: 'HTTP API Lambda authorizer: origin-verify header, Cognito access token, role scope, org_id',
      memorySize: 512,
      timeout: Duration.seconds(5),
      table: props.table,
      environment: {
        TOKEN_ISSUER: this.issuer,
        TOKEN_JWKS_URL: `${this.issuer}/.well-known/jwks.json`,
        ORIGIN_VERIFY_SECRET_ID: props.originVerifySecret.secretArn,
      },
    });
    props.originVerifySecret.grantRead(authorizer);
    // Whether a token's organization is registered, in the token's role, and (for a person)
    // whether its membership is current: both are items of the organization's partition.
    authorizer.grantTable({ leadingKeys: ORGANIZATION_KEYS, actions: ['dynamodb:GetItem'] });
    return authorizer;
  }

  /**
   * Lets a function provision organizations' app clients in the pool (functions/create-org):
   * the pool and the token URL it hands out in its environment, create and delete of clients.
   */
  public grantCreateClients(fn: LambdaFunction): void {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    fn.addEnvironment('TOKEN_URL', this.tokenUrl);
    fn.addToRolePolicy(
      new PolicyStatement({
        // Delete only undoes a client whose provisioning failed half-way.
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [this.userPool.userPoolArn],
      }),
    );
  }

  /**
   * The console's app client: public (no secret: a browser keeps none), authorization code
   * only, through the hosted UI, with the OpenID scopes; its callback and sign-out URLs are
   * the console's and the workers' app's on the verification host. Cognito uses PKCE
   * whenever the request carries a code challenge, and the console always sends one (S256).
   * The role scope is not the client's to ask for: the pre-token trigger adds the
   * membership's. `baseUrl`: `https://` and the verification host.
   */
  public addConsoleClient(baseUrl: string): UserPoolClient {
    const client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      // No password or SRP sign-in through the API: only the hosted UI's code flow.
      authFlows: {},
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        callbackUrls: [`${baseUrl}/console/callback`, `${baseUrl}/scan/callback`],
        logoutUrls: [`${baseUrl}/console/`, `${baseUrl}/scan`],
      },
      // The person cannot change what the membership says of it (its name, its email).
      writeAttributes: new ClientAttributes(),
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A working day; every refresh runs the trigger again, so a removed person gets none.
      refreshTokenValidity: Duration.hours(10),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    this.consoleClient = client;
    return client;
  }

  /**
   * Lets a function invite and remove people (functions/manage-org-users): create, disable
   * and delete users of the pool, and nothing else of it.
   */
  public grantManagePeople(fn: LambdaFunction): void {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminDeleteUser'],
        resources: [this.userPool.userPoolArn],
      }),
    );
  }

  /** PutItem of the link item the org repository defines, on every deploy (idempotent). */
  private linkBootstrapAdminClient(table: ITableV2): void {
    const clientId = this.bootstrapAdminClient.userPoolClientId;
    const logGroup = new LogGroup(this, 'BootstrapAdminClientLinkLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(logGroup, 'BootstrapAdminClientLinkLogs34C75233');
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
          TableName: table.tableName,
          Item: toAttributeValues(organizationClientItem(BOOTSTRAP_ADMIN_ORG_ID, clientId)),
        },
        physicalResourceId: PhysicalResourceId.of(clientId),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [table.tableArn] }),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
    link.node.addDependency(table);
  }
}
