import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { scopeForRole } from '../../shared/auth/principal';
import { ROLES } from '../../shared/domain/types';
import { ALL_ROUTES } from '../../shared/http/routes';
import { MAIN_TABLE } from '../../shared/store/table-definitions';
import type { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { BOOTSTRAP_ADMIN_ORG_ID, HTTP_FUNCTIONS, TraceSealStack, VERIFY_PATH_PATTERNS } from '../../infra/traceseal-stack';
import { CDK_JSON_CONTEXT, nagReport, synthesize, type Synthesized } from './synth';
import {
  actionsOf,
  findDependencyCycle,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type PolicyStatement,
} from './template-helpers';

// CloudFront's managed policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const HTTP_FUNCTION_NAMES = [...new Set(ALL_ROUTES.map((route) => route.functionName))];
const ALL_FUNCTION_NAMES = [...HTTP_FUNCTION_NAMES, 'rotate-signing-key', 'pre-token-generation'];
const SIGNING_FUNCTION_NAMES = HTTP_FUNCTION_NAMES.filter((name) => HTTP_FUNCTIONS[name]?.signsCodes === true);
const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const logicalId = (construct: IConstruct): string => synth.stack.getLogicalId(construct.node.defaultChild as CfnElement);
const fnOf = (name: string): TraceSealFunction => {
  const fn = synth.stack.functions.get(name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn;
};
const statementsOf = (name: string): PolicyStatement[] => roleStatements(synth.template, logicalId(fnOf(name).role));
const allActionsOf = (name: string): string[] => statementsOf(name).flatMap(actionsOf);
const environmentOf = (name: string): Record<string, unknown> =>
  ((resourcesOf(synth.template)[logicalId(fnOf(name).fn)]?.Properties?.Environment as { Variables?: Record<string, unknown> })
    ?.Variables ?? {});

describe('DynamoDB table', () => {
  it('is built from MAIN_TABLE: keys, indexes and TTL, under the logical id it names', () => {
    const tables = resourcesOfType(synth.template, 'AWS::DynamoDB::GlobalTable');
    expect(tables.map(([id]) => id)).toEqual([MAIN_TABLE.logicalId]);
    const properties = tables[0]?.[1].Properties ?? {};
    const keySchema = (partition: { name: string }, sort: { name: string }) => [
      { AttributeName: partition.name, KeyType: 'HASH' },
      { AttributeName: sort.name, KeyType: 'RANGE' },
    ];
    expect(properties.KeySchema).toEqual(keySchema(MAIN_TABLE.partitionKey, MAIN_TABLE.sortKey));
    expect(properties.GlobalSecondaryIndexes).toEqual(
      MAIN_TABLE.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const attributes = [
      MAIN_TABLE.partitionKey,
      MAIN_TABLE.sortKey,
      ...MAIN_TABLE.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    expect(properties.AttributeDefinitions).toEqual(
      [...new Map(attributes.map((a) => [a.name, a])).values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    );
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: MAIN_TABLE.timeToLiveAttribute, Enabled: true });
    expect(properties).not.toHaveProperty('TableName');
  });

  it('is on-demand, encrypted, point-in-time recoverable, deletion protected and retained', () => {
    synth.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });
});

describe('Lambda functions', () => {
  it('has settings for exactly the functions the routes name, and signs only in the issuing ones', () => {
    expect(Object.keys(HTTP_FUNCTIONS).sort()).toEqual([...HTTP_FUNCTION_NAMES].sort());
    expect(SIGNING_FUNCTION_NAMES).toContain('create-batch');
    expect(SIGNING_FUNCTION_NAMES).not.toContain('verify-code');
  });

  it('makes one function per functionName in the routes, plus rotation and the pre-token trigger', () => {
    expect([...synth.stack.functions.keys()].sort()).toEqual([...ALL_FUNCTION_NAMES].sort());
    // The only other function is the deploy-time provider that links the bootstrap admin client.
    synth.template.resourceCountIs('AWS::Lambda::Function', ALL_FUNCTION_NAMES.length + 1);
  });

  it('runs every function on Node.js 24, arm64, bundled handler, with its own retained log group', () => {
    const resources = resourcesOf(synth.template);
    for (const name of ALL_FUNCTION_NAMES) {
      const fn = fnOf(name);
      const properties = resources[logicalId(fn.fn)]?.Properties ?? {};
      expect(properties, name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) as unknown },
      });
      expect(properties, name).not.toHaveProperty('FunctionName');
      expect(resources[logicalId(fn.logGroup)], name).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('gives create-batch a full vCPU and 29 s for 10,000 signatures', () => {
    const properties = resourcesOf(synth.template)[logicalId(fnOf('create-batch').fn)]?.Properties ?? {};
    expect(properties.MemorySize).toBeGreaterThanOrEqual(1024);
    expect(properties.Timeout).toBe(29);
  });

  it('attaches no managed policy to any role (each function writes only to its own log group)', () => {
    for (const [id, role] of resourcesOfType(synth.template, 'AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
    }
    for (const name of ALL_FUNCTION_NAMES) {
      const logs = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs, name).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(fnOf(name).logGroup), 'Arn'] },
        }),
      ]);
    }
  });

  it('points create-batch and list-batch-codes at the CloudFront host for the codes they print', () => {
    const distributionId = logicalId(synth.stack.distribution);
    for (const name of ['create-batch', 'list-batch-codes']) {
      expect(environmentOf(name).VERIFY_BASE_URL, name).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
      });
      expect(environmentOf(name).TABLE_NAME, name).toEqual({ Ref: MAIN_TABLE.logicalId });
    }
    expect(environmentOf('get-openapi')).toEqual({ NODE_OPTIONS: '--enable-source-maps' });
  });
});

describe('least privilege', () => {
  const WRITE = /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/;

  it('lets verify-code and get-jwks only read the table, and nothing else', () => {
    for (const name of ['verify-code', 'get-jwks']) {
      const actions = allActionsOf(name).filter((a) => !a.startsWith('logs:'));
      expect(actions.sort(), name).toEqual(READ);
      expect(actions.some((a) => WRITE.test(a) || a.startsWith('secretsmanager:') || a.startsWith('kms:')), name).toBe(false);
    }
  });

  it('keeps the signing key away from every function but the issuing ones and the rotation', () => {
    const secretReaders = ALL_FUNCTION_NAMES.filter((name) =>
      allActionsOf(name).some((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:')),
    );
    expect(secretReaders.sort()).toEqual([...SIGNING_FUNCTION_NAMES, 'rotate-signing-key'].sort());
    // The key policy names no other role either.
    const keys = resourcesOfType(synth.template, 'AWS::KMS::Key');
    const principals = JSON.stringify(keys.map(([, key]) => key.Properties?.KeyPolicy));
    for (const name of ALL_FUNCTION_NAMES.filter((n) => !secretReaders.includes(n))) {
      expect(principals.includes(logicalId(fnOf(name).role)), name).toBe(false);
    }
  });

  it('lets the issuing functions read the signing key secret and decrypt it through Secrets Manager', () => {
    for (const name of SIGNING_FUNCTION_NAMES) expectSecretReader(name);
  });

  const expectSecretReader = (name: string) => {
    const secretId = logicalId(synth.stack.signingKeySecret);
    expect(environmentOf(name).SIGNING_KEY_SECRET_ID, name).toEqual({ Ref: secretId });
    expect(statementsOf(name)).toContainEqual(
      expect.objectContaining({
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: secretId },
      }),
    );
    const keyStatements = resourcesOfType(synth.template, 'AWS::KMS::Key').flatMap(
      ([, key]) => (key.Properties?.KeyPolicy as { Statement: PolicyStatement[] }).Statement,
    );
    const decrypt = keyStatements.filter(
      (statement) =>
        statement.Action === 'kms:Decrypt' &&
        JSON.stringify(statement.Principal).includes(`"${logicalId(fnOf(name).role)}"`) &&
        JSON.stringify(statement.Condition).includes('kms:ViaService'),
    );
    expect(decrypt, name).toHaveLength(1);
    expect(allActionsOf(name).some((a) => a === 'secretsmanager:PutSecretValue'), name).toBe(false);
  };

  it('gives get-openapi nothing but its log group, and writers no delete', () => {
    expect(allActionsOf('get-openapi').filter((a) => !a.startsWith('logs:'))).toEqual([]);
    for (const name of ALL_FUNCTION_NAMES) {
      expect(allActionsOf(name).filter((a) => /Delete(Item|Table)|Scan|\*/.test(a)), name).toEqual([]);
    }
    for (const name of [...HTTP_FUNCTION_NAMES.filter((n) => HTTP_FUNCTIONS[n]?.tableAccess !== 'readWrite'), 'pre-token-generation']) {
      expect(allActionsOf(name).some((a) => WRITE.test(a)), name).toBe(false);
    }
  });

  it('lets create-org create app clients in its pool and edit only its authorizer', () => {
    const statements = statementsOf('create-org');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        Resource: { 'Fn::GetAtt': [logicalId(synth.stack.userPool), 'Arn'] },
      }),
    );
    const apigateway = statements.find((s) => actionsOf(s).includes('apigateway:PATCH'));
    expect(actionsOf(apigateway as PolicyStatement)).toEqual(['apigateway:GET', 'apigateway:PATCH']);
    const [authorizerId] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer').map(([id]) => id);
    expect(JSON.stringify(apigateway?.Resource)).toContain(`/authorizers/","{"Ref":"${authorizerId}"}`.replace('","{', '",{'));
    expect(environmentOf('create-org')).toMatchObject({
      USER_POOL_ID: { Ref: logicalId(synth.stack.userPool) },
      HTTP_API_ID: { Ref: logicalId(synth.stack.api) },
      JWT_AUTHORIZER_ID: { Ref: authorizerId },
      TOKEN_URL: expect.anything() as unknown,
    });
  });
});

describe('HTTP API', () => {
  it('has exactly one route per route definition, each integrated with its function', () => {
    const resources = resourcesOf(synth.template);
    const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(ALL_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const definition of ALL_ROUTES) {
      const [, route] = routes.find(([, r]) => r.Properties?.RouteKey === `${definition.method} ${definition.path}`) ?? [];
      // Target: "integrations/" + Ref of the integration.
      const integrationId = (route?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(resources[integrationId]?.Properties?.IntegrationUri, definition.operationId).toEqual({
        'Fn::GetAtt': [logicalId(fnOf(definition.functionName).fn), 'Arn'],
      });
    }
  });

  it('protects every non-public route with the Cognito JWT authorizer and exactly its roles’ scopes', () => {
    const [[authorizerId, authorizer] = []] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(synth.stack.userPool), 'ProviderURL'] }]] },
        Audience: [{ Ref: expect.stringMatching(/^UserPoolBootstrapAdminClient/) as unknown }],
      },
    });
    const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
    for (const definition of ALL_ROUTES) {
      const [, route] = routes.find(([, r]) => r.Properties?.RouteKey === `${definition.method} ${definition.path}`) ?? [];
      if (definition.auth === 'public') {
        expect(route?.Properties?.AuthorizationType, definition.operationId).toBe('NONE');
        expect(route?.Properties, definition.operationId).not.toHaveProperty('AuthorizerId');
        expect(route?.Properties, definition.operationId).not.toHaveProperty('AuthorizationScopes');
      } else {
        expect(route?.Properties, definition.operationId).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
          AuthorizationScopes: definition.auth.map((role) => scopeForRole(role)),
        });
      }
    }
  });

  it('serves the $default stage with throttling and JSON access logs to a retained log group', () => {
    const [[, stage] = []] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/) as unknown, 'Arn'] } },
    });
    const format = JSON.parse(String((stage?.Properties?.AccessLogSettings as { Format: string }).Format)) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
  });
});

describe('Cognito', () => {
  it('runs the V3 pre-token trigger on an Essentials pool with a traceseal resource server of all roles', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalId(fnOf('pre-token-generation').fn), 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
    synth.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'traceseal',
      Scopes: ROLES.map((role) => Match.objectLike({ ScopeName: role })),
    });
  });

  it('has a client-credentials bootstrap admin client, linked to its org by a deploy-time table item', () => {
    const [[clientId, client] = []] = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^UserPoolResourceServer/) as unknown }, '/admin']] }],
    });
    const [[, link] = []] = resourcesOfType(synth.template, 'Custom::AWS');
    const update = JSON.stringify(link?.Properties?.Update);
    expect(update).toContain('\\"action\\":\\"PutItem\\"');
    expect(update).toContain(`CLIENT#","{"Ref":"${clientId}"}`.replace('","{', '",{'));
    expect(update).toContain(`\\"orgId\\":{\\"S\\":\\"${BOOTSTRAP_ADMIN_ORG_ID}\\"}`);
  });

  it('derives the Cognito domain prefix from the stack id unless one is given', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['-', ['traceseal', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
    });
    const custom = synthesize({ cognitoDomainPrefix: 'ppe-verify-prod' }, { cloudFormationValidation: false });
    custom.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'ppe-verify-prod' });
  });
});

describe('signing key', () => {
  it('is a secret under a rotating customer managed key, all retained', () => {
    const keyId = logicalId(synth.stack.node.findChild('SigningKeyEncryptionKey'));
    synth.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } }),
    });
  });

  it('rotates every 90 days and at once on deploy, through the rotation function, invocable only from this account', () => {
    const rotationFn = { 'Fn::GetAtt': [logicalId(fnOf('rotate-signing-key').fn), 'Arn'] };
    synth.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(synth.stack.signingKeySecret) },
      RotationLambdaARN: rotationFn,
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
      RotateImmediatelyOnUpdate: true,
    });
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: rotationFn,
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    const actions = allActionsOf('rotate-signing-key');
    expect(actions).toEqual(
      expect.arrayContaining([
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        'dynamodb:PutItem',
        'kms:GenerateDataKey',
      ]),
    );
    expect(actions).not.toContain('secretsmanager:GetRandomPassword');
  });
});

describe('CloudFront', () => {
  const distributionConfig = (s: Synthesized) =>
    resourcesOfType(s.template, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Record<string, unknown> & {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      Origins: Record<string, unknown>[];
    };

  it('caches only the verification paths, keyed by path, AI 8030 and the normalized Accept', () => {
    const config = distributionConfig(synth);
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual([...VERIFY_PATH_PATTERNS]);
    const [verify = {}, containers = {}] = config.CacheBehaviors;
    expect(containers.CachePolicyId).toEqual(verify.CachePolicyId);
    expect(containers.FunctionAssociations).toEqual(verify.FunctionAssociations);
    expect(verify).toMatchObject({
      AllowedMethods: ['GET', 'HEAD'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [expect.any(String), 'FunctionARN'] } }],
    });
    const policies = resourcesOfType(synth.template, 'AWS::CloudFront::CachePolicy');
    expect(policies).toHaveLength(1);
    const [[policyId, policy] = []] = policies;
    expect(verify.CachePolicyId).toEqual({ Ref: policyId });
    const cacheConfig = policy?.Properties?.CachePolicyConfig as Record<string, unknown>;
    expect(cacheConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 86_400 });
    expect(cacheConfig.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['8030'] },
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept'] },
      CookiesConfig: { CookieBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
  });

  it('passes everything else through uncached, every method, without the viewer Host header', () => {
    expect(distributionConfig(synth).DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']) as unknown,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
  });

  it('reaches the HTTP API over HTTPS only, TLS 1.2', () => {
    expect(distributionConfig(synth).Origins).toEqual([
      expect.objectContaining({
        DomainName: {
          'Fn::Join': ['', [{ Ref: logicalId(synth.stack.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
        },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      }),
    ]);
  });

  it('serves a custom verification host with TLS 1.2 (2021) and prints that host in codes', () => {
    const custom = synthesize({
      verifyDomainName: 'verify.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/traceseal/abcd',
    }, { cloudFormationValidation: false });
    const config = distributionConfig(custom);
    expect(config).toMatchObject({
      Aliases: ['verify.example.com'],
      ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/traceseal/abcd',
    });
    const fn = custom.stack.functions.get('create-batch');
    const variables = (
      resourcesOf(custom.template)[custom.stack.getLogicalId(fn?.fn.node.defaultChild as CfnElement)]?.Properties
        ?.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables.VERIFY_BASE_URL).toBe('https://verify.example.com');
    // With a certificate and a web ACL there is nothing left to acknowledge.
    expect(nagReport(custom.stack).violations).toEqual([]);
  });
});

describe('the template as a whole', () => {
  it('has no dependency cycle (CloudFormation would refuse it)', () => {
    expect(findDependencyCycle(synth.template)).toBeUndefined();
  });

  it('names no physical resource: CloudFormation generates every name', () => {
    const nameProperties: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::Cognito::UserPool': 'UserPoolName',
      'AWS::Cognito::UserPoolClient': 'ClientName',
      'AWS::KMS::Key': 'KeyId',
    };
    for (const [id, resource] of Object.entries(resourcesOf(synth.template))) {
      const property = nameProperties[resource.Type];
      if (property !== undefined) expect(resource.Properties ?? {}, id).not.toHaveProperty(property);
    }
  });

  it('outputs what an operator needs after the deploy', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      ['ApiUrl', 'BootstrapAdminClientId', 'TableName', 'TokenUrl', 'UserPoolId', 'VerificationUrl'].sort(),
    );
    synth.template.hasOutput('TokenUrl', {
      Value: {
        'Fn::Join': [
          '',
          ['https://', { Ref: Match.stringLikeRegexp('^UserPoolDomain') }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com/oauth2/token'],
        ],
      },
    });
  });
});

describe('validation', () => {
  it('refuses a custom domain without a certificate, a certificate outside us-east-1 and a bad domain prefix', () => {
    const make = (props: ConstructorParameters<typeof TraceSealStack>[2]) => () =>
      new TraceSealStack(new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }), 'Invalid', props);
    expect(make({ verifyDomainName: 'verify.example.com' })).toThrow(/together/);
    expect(
      make({ verifyDomainName: 'verify.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }),
    ).toThrow(/us-east-1/);
    expect(make({ cognitoDomainPrefix: 'my-aws-login' })).toThrow(/cognitoDomainPrefix/);
    expect(make({ cognitoDomainPrefix: 'Upper' })).toThrow(/cognitoDomainPrefix/);
    expect(make({ apiThrottleRateLimit: 0 })).toThrow(/positive integer/);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged finding', () => {
    const report = nagReport(synth.stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('lets the app synthesize with the pack registered as a validation plugin, as `cdk synth` does', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new TraceSealStack(app, 'TraceSeal');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();

    // Control: the same wiring does stop a synth that has a finding.
    const failing = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new Bucket(new Stack(failing, 'Control'), 'Unencrypted', { enforceSSL: false });
    Validations.of(failing).addPlugins(new AwsSolutionsChecks(failing));
    expect(() => failing.synth()).toThrow(/AwsSolutions-S10|Validation failed/);
  });

  it('acknowledges only specific rules, each with a reason', () => {
    const acknowledged = synth.stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      );
    // CDK records these ids with an `Annotation::` prefix, which cdk-nag strips when matching.
    expect(new Set(acknowledged.map(([id]) => id.replace(/^annotation::/i, '')))).toEqual(
      new Set(['AwsSolutions-APIG4', 'AwsSolutions-S1', 'AwsSolutions-COG8', 'AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']),
    );
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
