import { randomUUID } from 'node:crypto';
import { ApiGatewayV2Client, GetAuthorizerCommand, UpdateAuthorizerCommand } from '@aws-sdk/client-apigatewayv2';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTable } from '../../scripts/local/tables';
import {
  MAX_JWT_AUDIENCES,
  assertOrganizationClientCapacity,
  provisionOrganizationClient,
} from '../../shared/auth/org-client-provisioner';
import type { Organization } from '../../shared/domain/types';
import { registerOrganization } from '../../shared/services/registry-service';
import { getOrganization, getOrganizationIdByClientId } from '../../shared/store/org-repository';
import { MAIN_TABLE } from '../../shared/store/table-definitions';

/**
 * Cognito and API Gateway are mocks; the client -> organization link goes to this file's
 * DynamoDB Local table. The authorizer mock keeps its audience like the real one.
 */
const cognito = mockClient(CognitoIdentityProviderClient);
const apiGateway = mockClient(ApiGatewayV2Client);

const AWS_ENV = {
  USER_POOL_ID: 'eu-central-1_Example',
  HTTP_API_ID: 'a1b2c3d4e5',
  JWT_AUTHORIZER_ID: 'auth01',
  TOKEN_URL: 'https://traceseal-x.auth.eu-central-1.amazoncognito.com/oauth2/token',
};
const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example';

let audience: string[];
let createdClients: number;

const licence = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const org = (overrides: Partial<Organization> = {}): Organization => ({
  id: randomUUID(),
  name: 'Shenzhen Helmet Works',
  role: 'factory',
  region: 'CN-GD Shenzhen',
  licenseNumber: `LIC-${randomUUID().slice(0, 8)}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

beforeEach(() => {
  Object.assign(process.env, AWS_ENV);
  audience = ['bootstrap-admin-client'];
  createdClients = 0;
  cognito.reset();
  apiGateway.reset();
  cognito.on(CreateUserPoolClientCommand).callsFake(() => {
    createdClients += 1;
    return { UserPoolClient: { ClientId: `client${createdClients}${randomUUID().slice(0, 6)}`, ClientSecret: 's3cr3t' } };
  });
  cognito.on(DeleteUserPoolClientCommand).resolves({});
  apiGateway.on(GetAuthorizerCommand).callsFake(() => ({ JwtConfiguration: { Audience: [...audience], Issuer: ISSUER } }));
  apiGateway.on(UpdateAuthorizerCommand).callsFake((input: { JwtConfiguration: { Audience: string[] } }) => {
    audience = [...input.JwtConfiguration.Audience];
    return {};
  });
});

afterEach(() => {
  for (const key of Object.keys(AWS_ENV)) delete process.env[key];
});

describe('provisionOrganizationClient', () => {
  it('does nothing outside AWS (no USER_POOL_ID): local tokens come from npm run token', async () => {
    delete process.env.USER_POOL_ID;
    expect(await provisionOrganizationClient(org())).toBeUndefined();
    await assertOrganizationClientCapacity();
    expect(cognito.calls()).toHaveLength(0);
    expect(apiGateway.calls()).toHaveLength(0);
  });

  it('creates a client-credentials app client for the role, links it and adds it to the audience', async () => {
    const factory = org({ role: 'distributor' });
    const credentials = await provisionOrganizationClient(factory);

    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: AWS_ENV.USER_POOL_ID,
      ClientName: factory.id,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['traceseal/distributor'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(credentials).toEqual({
      clientId: expect.stringMatching(/^client1/) as unknown,
      clientSecret: 's3cr3t',
      tokenUrl: AWS_ENV.TOKEN_URL,
    });
    const clientId = credentials?.clientId ?? '';
    expect(await getOrganizationIdByClientId(clientId)).toBe(factory.id);
    expect(apiGateway.commandCalls(UpdateAuthorizerCommand)[0]?.args[0].input).toEqual({
      ApiId: AWS_ENV.HTTP_API_ID,
      AuthorizerId: AWS_ENV.JWT_AUTHORIZER_ID,
      JwtConfiguration: { Issuer: ISSUER, Audience: ['bootstrap-admin-client', clientId] },
    });
    expect(audience).toEqual(['bootstrap-admin-client', clientId]);
  });

  it('writes the audience again when a concurrent registration overwrote it', async () => {
    let overwritten = false;
    apiGateway.on(UpdateAuthorizerCommand).callsFake((input: { JwtConfiguration: { Audience: string[] } }) => {
      // The first write is lost: another create-org wrote its own list right after it.
      audience = overwritten ? [...input.JwtConfiguration.Audience] : ['bootstrap-admin-client', 'other-org-client'];
      overwritten = true;
      return {};
    });
    const credentials = await provisionOrganizationClient(org());
    expect(apiGateway.commandCalls(UpdateAuthorizerCommand)).toHaveLength(2);
    expect(audience).toEqual(['bootstrap-admin-client', 'other-org-client', credentials?.clientId]);
  });

  it('refuses a registration once the authorizer holds its maximum of audiences', async () => {
    audience = Array.from({ length: MAX_JWT_AUDIENCES }, (_, i) => `client-${i}`);
    await expect(assertOrganizationClientCapacity()).rejects.toMatchObject({ statusCode: 409, code: 'CLIENT_LIMIT_REACHED' });
  });

  it('deletes the app client again when adding it to the audience fails', async () => {
    apiGateway.on(UpdateAuthorizerCommand).rejects(new Error('throttled'));
    await expect(provisionOrganizationClient(org())).rejects.toThrow('throttled');
    const created = cognito.commandCalls(CreateUserPoolClientCommand).length;
    expect(created).toBe(1);
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: AWS_ENV.USER_POOL_ID,
      ClientId: expect.stringMatching(/^client1/) as unknown,
    });
  });
});

describe('registerOrganization', () => {
  it('returns the credentials once, in AWS, with the organization', async () => {
    const input = { name: 'Regulator', role: 'regulator', region: 'CN-BJ Beijing', licenseNumber: licence('REG') } as const;
    const registered = await registerOrganization(input);
    expect(registered.credentials).toMatchObject({ clientSecret: 's3cr3t', tokenUrl: AWS_ENV.TOKEN_URL });
    expect(await getOrganizationIdByClientId(registered.credentials?.clientId ?? '')).toBe(registered.id);
    // The secret is not stored with the organization.
    expect(JSON.stringify(await getOrganization(registered.id))).not.toContain('s3cr3t');
  });

  it('returns no credentials locally', async () => {
    delete process.env.USER_POOL_ID;
    const input = { name: 'Local', role: 'factory', region: 'CN-GD Dongguan', licenseNumber: licence('LOC') } as const;
    const registered = await registerOrganization(input);
    expect(registered).not.toHaveProperty('credentials');
  });

  it('checks capacity before writing, so a full authorizer leaves no organization behind', async () => {
    audience = Array.from({ length: MAX_JWT_AUDIENCES }, (_, i) => `client-${i}`);
    const licenseNumber = `FULL-${randomUUID().slice(0, 8)}`;
    await expect(registerOrganization({ name: 'Late', role: 'factory', region: 'CN-GD Foshan', licenseNumber })).rejects.toMatchObject({
      code: 'CLIENT_LIMIT_REACHED',
    });
    expect(cognito.commandCalls(CreateUserPoolClientCommand)).toHaveLength(0);
    // The licence is still free: the registration can be retried once there is room.
    audience = ['bootstrap-admin-client'];
    const registered = await registerOrganization({ name: 'Late', role: 'factory', region: 'CN-GD Foshan', licenseNumber });
    expect(registered.credentials?.clientId).toBeDefined();
  });
});
