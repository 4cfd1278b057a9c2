import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERIFY_REQUEST_SOURCE } from '../../infra/cloudfront/verify-request';
import { DEFAULT_ROUTE_THROTTLES } from '../../infra/constructs/http-api';
import { JWKS_READ_KEYS, VERIFY_READ_KEYS } from '../../infra/constructs/table-access';
import type { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { UNCACHED_ERROR_CODES } from '../../infra/constructs/verification-cdn';
import { BOOTSTRAP_ADMIN_ORG_ID, HTTP_FUNCTIONS, TraceSealStack, VERIFY_PATH_PATTERNS } from '../../infra/traceseal-stack';
import { ROLES } from '../../shared/domain/types';
import { ALL_ROUTES, routeKeysOf } from '../../shared/http/routes';
import { MAIN_TABLE } from '../../shared/store/table-definitions';
import { CDK_JSON_CONTEXT, nagReport, type Synthesized, synthesize } from './synth';
import {
  actionsOf,
  findDependencyCycle,
  type PolicyStatement,
  resourcesOf,
  resourcesOfType,
  roleStatements,
} from './template-helpers';

// CloudFront's managed policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const HTTP_FUNCTION_NAMES = [...new Set(ALL_ROUTES.map((route) => route.functionName))];
const ALL_FUNCTION_NAMES = [
  ...HTTP_FUNCTION_NAMES,
  'rotate-signing-key',
  'pre-token-generation',
  'authorize',
  'process-event-job',
];
const SIGNING_FUNCTION_NAMES = HTTP_FUNCTION_NAMES.filter((name) => HTTP_FUNCTIONS[name]?.signsCodes === true);
const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

// Resolved, so that a pinned (overridden) logical id is the one returned.
const logicalId = (construct: IConstruct): string =>
  synth.stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
const fnOf = (name: string): TraceSealFunction => {
  const fn = synth.stack.functions.get(name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn;
};
const statementsOf = (name: string): PolicyStatement[] => roleStatements(synth.template, logicalId(fnOf(name).role));
const allActionsOf = (name: string): string[] => statementsOf(name).flatMap(actionsOf);
const environmentOf = (name: string): Record<string, unknown> =>
  (resourcesOf(synth.template)[logicalId(fnOf(name).fn)]?.Properties?.Environment as { Variables?: Record<string, unknown> })
    ?.Variables ?? {};

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

  it('makes one function per functionName in the routes, plus rotation, the pre-token trigger, the authorizer and the event-job worker', () => {
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
      expect(
        actions.some((a) => WRITE.test(a) || a.startsWith('secretsmanager:') || a.startsWith('kms:')),
        name,
      ).toBe(false);
    }
  });

  // On a Query of a GSI, LeadingKeys is the index's partition key: no index may be granted.
  it('lets the public functions read only the partitions a verification needs, on the table and no index', () => {
    const table = { 'Fn::GetAtt': [MAIN_TABLE.logicalId, 'Arn'] };
    for (const [name, keys] of [
      ['verify-code', VERIFY_READ_KEYS],
      ['get-jwks', JWKS_READ_KEYS],
    ] as const) {
      const statements = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(statements, name).toEqual([
        expect.objectContaining({
          Resource: table,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] } },
        }),
      ]);
    }
    expect(
      (VERIFY_READ_KEYS as readonly string[]).some((k) => /^(CLIENT|IDEMPOTENCY|EVENT|LICENSE|BATCH)/.test(k) || k === '*'),
    ).toBe(false);
  });

  it('lets the rotation touch only the signing key items and the token trigger read only client links', () => {
    const table = { 'Fn::GetAtt': [MAIN_TABLE.logicalId, 'Arn'] };
    expect(statementsOf('rotate-signing-key').filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Resource: table,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SIGNING_KEYS'] } },
      }),
    ]);
    expect(statementsOf('pre-token-generation').filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: table,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLIENT#*'] } },
      }),
    ]);
  });

  it('keeps the signing key away from every function but the issuing ones and the rotation', () => {
    const signingKeyIds = [logicalId(synth.stack.signingKeySecret), logicalId(synth.stack.signingKey.encryptionKey)];
    const secretReaders = ALL_FUNCTION_NAMES.filter((name) =>
      statementsOf(name).some(
        (s) =>
          actionsOf(s).some((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:')) &&
          signingKeyIds.some((id) => JSON.stringify(s.Resource).includes(`"${id}"`)),
      ),
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
    expect(
      allActionsOf(name).some((a) => a === 'secretsmanager:PutSecretValue'),
      name,
    ).toBe(false);
  };

  it('gives get-openapi nothing but its log group, and writers no delete', () => {
    expect(allActionsOf('get-openapi').filter((a) => !a.startsWith('logs:'))).toEqual([]);
    for (const name of ALL_FUNCTION_NAMES) {
      expect(
        allActionsOf(name).filter((a) => /Delete(Item|Table)|Scan|\*/.test(a)),
        name,
      ).toEqual([]);
    }
    for (const name of [
      ...HTTP_FUNCTION_NAMES.filter((n) => HTTP_FUNCTIONS[n]?.tableAccess !== 'readWrite'),
      'pre-token-generation',
    ]) {
      expect(
        allActionsOf(name).some((a) => WRITE.test(a)),
        name,
      ).toBe(false);
    }
  });

  it('lets create-org create app clients in its pool, and nothing touch the API (no per-organization change)', () => {
    const statements = statementsOf('create-org');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        Resource: { 'Fn::GetAtt': [logicalId(synth.stack.userPool), 'Arn'] },
      }),
    );
    for (const name of ALL_FUNCTION_NAMES)
      expect(
        allActionsOf(name).filter((a) => a.startsWith('apigateway:')),
        name,
      ).toEqual([]);
    expect(Object.keys(environmentOf('create-org')).sort()).toEqual(['NODE_OPTIONS', 'TABLE_NAME', 'TOKEN_URL', 'USER_POOL_ID']);
  });

  it('gives the authorizer the pool as issuer, its JWKS and only read access to the origin-verify secret', () => {
    const issuer = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(synth.stack.userPool), 'ProviderURL'] }]] };
    expect(environmentOf('authorize')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      TOKEN_ISSUER: issuer,
      TOKEN_JWKS_URL: {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [logicalId(synth.stack.userPool), 'ProviderURL'] }, '/.well-known/jwks.json'],
        ],
      },
      ORIGIN_VERIFY_SECRET_ID: { Ref: logicalId(synth.stack.originVerifySecret) },
    });
    expect(
      allActionsOf('authorize')
        .filter((a) => !a.startsWith('logs:'))
        .sort(),
    ).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });
});

describe('HTTP API', () => {
  it('has exactly one route per route key (HEAD too on the verification routes), each integrated with its function', () => {
    const resources = resourcesOf(synth.template);
    const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(ALL_ROUTES.flatMap(routeKeysOf).sort());
    expect(routes.map(([, r]) => r.Properties?.RouteKey)).toEqual(
      expect.arrayContaining(['HEAD /01/{gtin}/10/{lot}/21/{serial}', 'HEAD /00/{sscc}']),
    );
    for (const definition of ALL_ROUTES) {
      const [, route] = routes.find(([, r]) => r.Properties?.RouteKey === `${definition.method} ${definition.path}`) ?? [];
      // Target: "integrations/" + Ref of the integration.
      const integrationId = (route?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1]
        .Ref;
      expect(resources[integrationId]?.Properties?.IntegrationUri, definition.operationId).toEqual({
        'Fn::GetAtt': [logicalId(fnOf(definition.functionName).fn), 'Arn'],
      });
    }
  });

  it('puts the Lambda authorizer on every route: the origin-verify header on public ones, token + header + route on the others', () => {
    const authorizers = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers.map(([, a]) => a.Properties?.AuthorizerType)).toEqual(['REQUEST', 'REQUEST']);
    const byName = new Map(authorizers.map(([id, a]) => [a.Properties?.Name, { id, properties: a.Properties ?? {} }]));
    const authorizerFn = { 'Fn::GetAtt': [logicalId(fnOf('authorize').fn), 'Arn'] };
    for (const [name, identity] of [
      ['origin-verify', ['$request.header.x-origin-verify']],
      ['token', ['$request.header.Authorization', '$request.header.x-origin-verify', '$context.routeKey']],
    ] as const) {
      expect(byName.get(name)?.properties, name).toMatchObject({
        IdentitySource: identity,
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
        AuthorizerResultTtlInSeconds: 300,
      });
      expect(JSON.stringify(byName.get(name)?.properties.AuthorizerUri)).toContain(JSON.stringify(authorizerFn));
      // No audience, no client list: nothing in the API changes when an organization is added.
      expect(byName.get(name)?.properties).not.toHaveProperty('JwtConfiguration');
    }
    const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
    for (const definition of ALL_ROUTES) {
      for (const key of routeKeysOf(definition)) {
        const [, route] = routes.find(([, r]) => r.Properties?.RouteKey === key) ?? [];
        expect(route?.Properties, key).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: byName.get(definition.auth === 'public' ? 'origin-verify' : 'token')?.id },
        });
        expect(route?.Properties, key).not.toHaveProperty('AuthorizationScopes');
      }
    }
  });

  it('throttles each route on its own: verification cannot use up custody uploads or issuance', () => {
    const [[stageId, stage] = []] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage?.Properties?.RouteSettings as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;
    for (const [name, throttle] of Object.entries(DEFAULT_ROUTE_THROTTLES)) {
      const route = ALL_ROUTES.find((r) => r.operationId === name);
      for (const key of routeKeysOf(route ?? ALL_ROUTES[0]!)) {
        expect(settings[key], key).toEqual({
          ThrottlingRateLimit: throttle.rateLimit,
          ThrottlingBurstLimit: throttle.burstLimit,
        });
      }
    }
    expect(settings['POST /v1/events']?.ThrottlingRateLimit).toBeLessThan(
      settings['GET /01/{gtin}/10/{lot}/21/{serial}']?.ThrottlingRateLimit ?? 0,
    );
    // A route setting must name an existing route: the stage waits for every route.
    const dependsOn = [resourcesOf(synth.template)[stageId ?? '']?.DependsOn ?? []].flat();
    for (const [id] of resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route')) expect(dependsOn).toContain(id);
  });

  it('reserves concurrency for the verification function (a prop), and for it only', () => {
    const functions = resourcesOfType(synth.template, 'AWS::Lambda::Function');
    const reserved = functions.filter(([, f]) => f.Properties?.ReservedConcurrentExecutions !== undefined).map(([id]) => id);
    expect(reserved).toEqual([logicalId(fnOf('verify-code').fn)]);
    expect(resourcesOf(synth.template)[logicalId(fnOf('verify-code').fn)]?.Properties?.ReservedConcurrentExecutions).toBe(100);
    const custom = synthesize({ verifyReservedConcurrency: 250 }, { cloudFormationValidation: false });
    const fn = custom.stack.functions.get('verify-code');
    expect(
      resourcesOf(custom.template)[custom.stack.resolve((fn?.fn.node.defaultChild as CfnElement).logicalId) as string]?.Properties
        ?.ReservedConcurrentExecutions,
    ).toBe(250);
  });

  it('serves the $default stage with throttling and JSON access logs to a retained log group', () => {
    const [[, stage] = []] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/) as unknown, 'Arn'] } },
    });
    const format = JSON.parse(String((stage?.Properties?.AccessLogSettings as { Format: string }).Format)) as Record<
      string,
      string
    >;
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
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^UserPoolResourceServer/) as unknown }, '/admin']] },
      ],
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
    const keyId = logicalId(synth.stack.signingKey.encryptionKey);
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
    resourcesOfType(s.template, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Record<
      string,
      unknown
    > & {
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
      OriginRequestPolicyId: { Ref: logicalId(synth.stack.cdn.verifyOriginRequestPolicy) },
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

  it('forwards to the origin only what the verification cache key holds (never all viewer headers and query strings)', () => {
    const [verify = {}, containers = {}] = distributionConfig(synth).CacheBehaviors;
    expect(containers.OriginRequestPolicyId).toEqual(verify.OriginRequestPolicyId);
    expect(verify.OriginRequestPolicyId).not.toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    const policies = resourcesOfType(synth.template, 'AWS::CloudFront::OriginRequestPolicy');
    expect(policies.map(([id]) => id)).toEqual([(verify.OriginRequestPolicyId as { Ref: string }).Ref]);
    expect(policies[0]?.[1].Properties?.OriginRequestPolicyConfig).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
  });

  it('runs the viewer-request function that keeps one raw AI 8030 on both verification behaviours', () => {
    const [[functionId, fn] = []] = resourcesOfType(synth.template, 'AWS::CloudFront::Function');
    expect(fn?.Properties).toMatchObject({
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      FunctionCode: VERIFY_REQUEST_SOURCE,
    });
    for (const behavior of distributionConfig(synth).CacheBehaviors) {
      expect(behavior.FunctionAssociations).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
      ]);
    }
  });

  it('never caches an error: 4xx and 5xx have an error-caching TTL of 0', () => {
    const errors = distributionConfig(synth).CustomErrorResponses as { ErrorCode: number; ErrorCachingMinTTL: number }[];
    expect(errors).toEqual(UNCACHED_ERROR_CODES.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
    expect(errors.map((e) => e.ErrorCode)).toEqual(expect.arrayContaining([400, 403, 404, 500, 502, 503, 504]));
  });

  it('sends the origin-verify secret to the API as an origin custom header (a dynamic reference, never a literal)', () => {
    const [origin] = distributionConfig(synth).Origins as {
      OriginCustomHeaders: { HeaderName: string; HeaderValue: unknown }[];
    }[];
    expect(origin?.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-origin-verify',
        HeaderValue: {
          'Fn::Join': [
            '',
            ['{{resolve:secretsmanager:', { Ref: logicalId(synth.stack.originVerifySecret) }, ':SecretString:::}}'],
          ],
        },
      },
    ]);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
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
          'Fn::Join': [
            '',
            [{ Ref: logicalId(synth.stack.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }],
          ],
        },
        CustomOriginConfig: expect.objectContaining({
          OriginProtocolPolicy: 'https-only',
          OriginSSLProtocols: ['TLSv1.2'],
        }) as unknown,
      }),
    ]);
  });

  it('serves a custom verification host with TLS 1.2 (2021) and prints that host in codes', () => {
    const custom = synthesize(
      {
        verifyDomainName: 'verify.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/traceseal/abcd',
      },
      { cloudFormationValidation: false },
    );
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
          [
            'https://',
            { Ref: Match.stringLikeRegexp('^UserPoolDomain') },
            '.auth.',
            { Ref: 'AWS::Region' },
            '.amazoncognito.com/oauth2/token',
          ],
        ],
      },
    });
  });
});

describe('validation', () => {
  it('refuses a custom domain without a certificate, a certificate outside us-east-1 and a bad domain prefix', () => {
    const make = (props: ConstructorParameters<typeof TraceSealStack>[2]) => () =>
      new TraceSealStack(
        new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }),
        'Invalid',
        props,
      );
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
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual(
      [],
    );
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
      new Set(['AwsSolutions-S1', 'AwsSolutions-COG8', 'AwsSolutions-CFR1', 'AwsSolutions-CFR4', 'AwsSolutions-SMG4']),
    );
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
