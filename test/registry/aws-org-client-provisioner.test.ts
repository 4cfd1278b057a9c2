import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { Organization } from '#registry/contract';
import { type OrganizationCredentials, provisionOrganizationClient } from '#shared/registry/services/org-client-provisioner';
import { registerOrganization } from '#shared/registry/services/registry-service';
import { getOrganization, getOrganizationIdByClientId } from '#shared/registry/store/org-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * Cognito is a mock; the client -> organization link goes to this file's DynamoDB Local
 * table. There is no API Gateway mock: provisioning must not touch the API at all.
 */
const cognito = mockClient(CognitoIdentityProviderClient);

const AWS_ENV = {
  USER_POOL_ID: 'eu-central-1_Example',
  TOKEN_URL: 'https://traceseal-x.auth.eu-central-1.amazoncognito.com/oauth2/token',
};

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
  createdClients = 0;
  cognito.reset();
  cognito.on(CreateUserPoolClientCommand).callsFake(() => {
    createdClients += 1;
    return { UserPoolClient: { ClientId: `client${createdClients}x${randomUUID().slice(0, 6)}`, ClientSecret: 's3cr3t' } };
  });
  cognito.on(DeleteUserPoolClientCommand).resolves({});
});

afterEach(() => {
  for (const key of Object.keys(AWS_ENV)) delete process.env[key];
});

describe('provisionOrganizationClient', () => {
  it('does nothing outside AWS (no USER_POOL_ID): local tokens come from npm run token', async () => {
    delete process.env.USER_POOL_ID;
    expect(await provisionOrganizationClient(org())).toBeUndefined();
    expect(cognito.calls()).toHaveLength(0);
  });

  it('creates a client-credentials app client for the role and links it to the organization', async () => {
    const distributor = org({ role: 'distributor' });
    const credentials = await provisionOrganizationClient(distributor);

    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: AWS_ENV.USER_POOL_ID,
      ClientName: distributor.id,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['traceseal/distributor'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(credentials).toEqual({
      clientId: expect.stringMatching(/^client1x/) as unknown,
      clientSecret: 's3cr3t',
      tokenUrl: AWS_ENV.TOKEN_URL,
    });
    expect(await getOrganizationIdByClientId(credentials?.clientId ?? '')).toBe(distributor.id);
  });

  it('deletes the app client again when linking it to the organization fails', async () => {
    // The link is written once per client id: a second link of the same id is refused.
    const clientId = `taken${randomUUID().slice(0, 8)}`;
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: clientId, ClientSecret: 's3cr3t' } });
    await provisionOrganizationClient(org());
    await expect(provisionOrganizationClient(org())).rejects.toThrow();
    expect(cognito.commandCalls(CreateUserPoolClientCommand)).toHaveLength(2);
    expect(cognito.commandCalls(DeleteUserPoolClientCommand).map((call) => call.args[0].input)).toEqual([
      { UserPoolId: AWS_ENV.USER_POOL_ID, ClientId: clientId },
    ]);
  });

  // The JWT authorizer this replaced took at most 50 audiences, so the 50th registration
  // answered 409 CLIENT_LIMIT_REACHED. The 1,000th organization is provisioned like the first.
  it('provisions a thousand organizations, each with its own client and link', async () => {
    const orgs = Array.from({ length: 1000 }, () => org());
    const credentials: (OrganizationCredentials | undefined)[] = [];
    for (let i = 0; i < orgs.length; i += 50) {
      credentials.push(...(await Promise.all(orgs.slice(i, i + 50).map((o) => provisionOrganizationClient(o)))));
    }
    const clientIds = credentials.map((c) => c?.clientId);
    expect(new Set(clientIds).size).toBe(1000);
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)).toHaveLength(0);
    expect(await getOrganizationIdByClientId(clientIds[999] ?? '')).toBe(orgs[999]?.id);
  }, 60_000);
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
});
