import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
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
import { CLIENT_LINK_KEYS, ORGANIZATION_KEYS } from './table-access';
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
 * organization, its role as the scope `traceseal/{role}`), the V3 pre-token trigger that
 * adds `org_id`, a bootstrap admin client, and the API's Lambda authorizer
 * (functions/authorize-request), which verifies the pool's access tokens by its JWKS and needs no
 * change when an organization is added.
 */
export class Identity extends Construct {
  public readonly userPool: UserPool;
  public readonly bootstrapAdminClient: UserPoolClient;
  /** `iss` of the pool's tokens. */
  public readonly issuer: string;
  public readonly tokenUrl: string;
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
    const { tokenUrl, issuer, bootstrapAdminClient } = this.addScopesDomainAndAdminClient(prefix);
    this.tokenUrl = tokenUrl;
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
    const tokenUrl = `${domain.baseUrl()}/oauth2/token`;
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
    return { tokenUrl, issuer, bootstrapAdminClient };
  }

  /** Adds the app client's organization to every access token (the V3 pre-token trigger). */
  private addPreTokenGeneration(table: IdentityProps['table']): TraceSealFunction {
    const trigger = new TraceSealFunction(this, 'PreTokenGeneration', {
      name: 'add-org-claim',
      description: "Adds the app client's organization (org_id) to every access token",
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: Duration.seconds(5),
      table,
    });
    pinLogicalId(trigger.logGroup, 'PreTokenGenerationLogGroup56984400');
    trigger.grantTable({ leadingKeys: CLIENT_LINK_KEYS, actions: ['dynamodb:GetItem'] });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'No user ever signs in: every caller is a machine-to-machine app client. The Plus plan adds threat protection for user sign-ins only; Essentials already runs the V3 pre-token trigger for client credentials.',
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
    // Whether a token's organization is registered, and in the token's role.
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
