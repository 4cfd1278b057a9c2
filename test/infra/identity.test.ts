import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROLES } from '#kernel/roles';
import { BOOTSTRAP_ADMIN_ORG_ID } from '../../infra/constructs/identity';
import { TraceSealStack } from '../../infra/traceseal-stack';
import { inspect, logicalIdOf, newApp, synthesize } from './synth';
import { resourcesOfType } from './template-helpers';

const synth = synthesize();
const { fn, statementsOf, allActionsOf, environmentOf } = inspect(synth);
const userPoolId = logicalIdOf(synth.stack.userPool);
const withPrefix = (cognitoDomainPrefix: string) => () => new TraceSealStack(newApp(), 'Invalid', { cognitoDomainPrefix });

describe('Identity: the user pool', () => {
  it('is an Essentials pool, retained', () => {
    synth.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ UserPoolTier: 'ESSENTIALS' }),
    });
  });

  it('runs the V3 pre-token trigger', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalIdOf(fn('add-org-claim')), 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
  });

  it('has a traceseal resource server with a scope per role', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'traceseal',
      Scopes: ROLES.map((role) => Match.objectLike({ ScopeName: role })),
    });
  });

  it('has a client-credentials bootstrap admin client with the admin scope', () => {
    const [[, client] = []] = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^UserPoolResourceServer/) as unknown }, '/admin']] },
      ],
    });
  });

  it("has the console's public client: code flow through the hosted UI, no secret, callbacks on the verification host", () => {
    const consoleClient = synth.stack.identity.consoleClient;
    if (consoleClient === undefined) throw new Error('no console client');
    const properties = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolClient').find(
      ([id]) => id === logicalIdOf(consoleClient),
    )?.[1]?.Properties;
    const host = { 'Fn::GetAtt': [logicalIdOf(synth.stack.distribution), 'DomainName'] };
    const url = (path: string) => ({ 'Fn::Join': ['', ['https://', host, path]] });
    expect(properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'profile', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [url('/console/callback'), url('/scan/callback')],
      LogoutURLs: [url('/console/'), url('/scan')],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      WriteAttributes: [],
    });
    // No client-credentials flow, no role scope of its own: the trigger adds the membership's.
    expect(JSON.stringify(properties)).not.toMatch(/client_credentials|traceseal\//);
  });

  it('takes the callback URLs from the verification domain when the stack has one', () => {
    const withDomain = synthesize({
      verifyDomainName: 'verify.example.cn',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    const client = withDomain.stack.identity.consoleClient;
    if (client === undefined) throw new Error('no console client');
    withDomain.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://verify.example.cn/console/callback', 'https://verify.example.cn/scan/callback'],
      LogoutURLs: ['https://verify.example.cn/console/', 'https://verify.example.cn/scan'],
    });
  });

  it('links the bootstrap admin client to its organization by a deploy-time table item', () => {
    const [[clientId] = []] = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolClient');
    const [[, link] = []] = resourcesOfType(synth.template, 'Custom::AWS');
    const update = JSON.stringify(link?.Properties?.Update);
    expect(update).toContain('\\"action\\":\\"PutItem\\"');
    expect(update).toContain(`CLIENT#",{"Ref":"${clientId}"}`);
    expect(update).toContain(`\\"orgId\\":{\\"S\\":\\"${BOOTSTRAP_ADMIN_ORG_ID}\\"}`);
  });

  it('derives the Cognito domain prefix from the stack id by default', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['-', ['traceseal', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
    });
  });

  it('takes a given Cognito domain prefix', () => {
    synthesize({ cognitoDomainPrefix: 'ppe-verify-prod' }).template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'ppe-verify-prod',
    });
  });

  it('refuses a domain prefix Cognito would refuse: AWS words, upper case', () => {
    expect(withPrefix('my-aws-login')).toThrow(/cognitoDomainPrefix/);
    expect(withPrefix('Upper')).toThrow(/cognitoDomainPrefix/);
  });
});

describe('Identity: the authorizer', () => {
  it('verifies tokens of the pool by its issuer and JWKS', () => {
    const providerUrl = { 'Fn::GetAtt': [userPoolId, 'ProviderURL'] };
    expect(environmentOf('authorize-request')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      TOKEN_ISSUER: { 'Fn::Join': ['', ['https://', providerUrl]] },
      TOKEN_JWKS_URL: { 'Fn::Join': ['', ['https://', providerUrl, '/.well-known/jwks.json']] },
      ORIGIN_VERIFY_SECRET_ID: { Ref: logicalIdOf(synth.stack.originVerifySecret) },
      // Whether a token's organization is registered (least-privilege.test.ts: organization items only).
      TABLE_NAME: { Ref: expect.any(String) as unknown },
    });
  });

  it('may only read the origin-verify secret and organization items', () => {
    expect(
      allActionsOf('authorize-request')
        .filter((a) => !a.startsWith('logs:'))
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });
});

describe('Identity.grantCreateClients', () => {
  it('lets create-org create and delete app clients of the pool only', () => {
    expect(statementsOf('create-org')).toContainEqual(
      expect.objectContaining({
        Action: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        Resource: { 'Fn::GetAtt': [userPoolId, 'Arn'] },
      }),
    );
  });

  it('tells create-org the pool and the token URL (and, from TestReports, where lab keys go)', () => {
    expect(Object.keys(environmentOf('create-org')).sort()).toEqual([
      'LAB_KEY_KMS_KEY_ID',
      'LAB_KEY_SECRET_PREFIX',
      'NODE_OPTIONS',
      'TABLE_NAME',
      'TOKEN_URL',
      'USER_POOL_ID',
    ]);
  });
});
