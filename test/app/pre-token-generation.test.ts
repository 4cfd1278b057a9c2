import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { ConflictError } from '#kernel/errors';
import type { Member } from '#registry/contract';
import { createMember, getMember, markMemberRemoved } from '#shared/registry/store/member-repository';
import { getOrganizationIdByClientId, linkOrganizationClient } from '#shared/registry/store/org-repository';
import { handler } from '../../functions/add-org-claim/handler';
import { ensureTable } from '../../scripts/local/tables';

/** The table is this file's own in DynamoDB Local; the event is what Cognito sends (V3, client credentials). */
const tokenEvent = (clientId: string | undefined): PreTokenGenerationV3TriggerEvent =>
  ({
    version: '3',
    region: 'eu-central-1',
    userPoolId: 'eu-central-1_Example',
    triggerSource: 'TokenGeneration_ClientCredentials',
    userName: clientId ?? '',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: {}, scopes: ['traceseal/factory'] },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as unknown as PreTokenGenerationV3TriggerEvent;

beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

describe('pre-token-generation trigger', () => {
  it("adds the org_id of the client's organization to the access token", async () => {
    const orgId = randomUUID();
    const clientId = `client${randomUUID().slice(0, 8)}`;
    await linkOrganizationClient(orgId, clientId);

    const result = await handler(tokenEvent(clientId));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { org_id: orgId } },
    });
    // Everything else of the event goes back to Cognito unchanged.
    expect(result.request.scopes).toEqual(['traceseal/factory']);
    expect(result.callerContext.clientId).toBe(clientId);
  });

  it('keeps what an earlier override set on the response', async () => {
    const orgId = randomUUID();
    const clientId = `client${randomUUID().slice(0, 8)}`;
    await linkOrganizationClient(orgId, clientId);
    const event = tokenEvent(clientId);
    event.response.claimsAndScopeOverrideDetails = { accessTokenGeneration: { scopesToSuppress: ['traceseal/admin'] } };

    const result = await handler(event);
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({
      scopesToSuppress: ['traceseal/admin'],
      claimsToAddOrOverride: { org_id: orgId },
    });
  });

  it('refuses a token to a client that belongs to no organization, or to no client at all', async () => {
    await expect(handler(tokenEvent('never-linked-client'))).rejects.toThrow(/belongs to no organization/);
    await expect(handler(tokenEvent(undefined))).rejects.toThrow(/names no app client/);
    await expect(handler(tokenEvent(''))).rejects.toThrow(/names no app client/);
  });

  it('links a client id to one organization only, once', async () => {
    const clientId = `client${randomUUID().slice(0, 8)}`;
    const first = randomUUID();
    await linkOrganizationClient(first, clientId);
    await expect(linkOrganizationClient(randomUUID(), clientId)).rejects.toBeInstanceOf(ConflictError);
    expect(await getOrganizationIdByClientId(clientId)).toBe(first);
    expect(await getOrganizationIdByClientId('unknown-client')).toBeUndefined();
  });
});

/** What Cognito sends for a person's sign-in, by trigger source (V3). */
const personEvent = (triggerSource: string, sub: string | undefined, scopes: string[] = ['openid', 'profile', 'email']) =>
  ({
    version: '3',
    region: 'eu-central-1',
    userPoolId: 'eu-central-1_Example',
    triggerSource,
    userName: 'person@example.com',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'console-client' },
    request: { userAttributes: sub === undefined ? {} : { sub, email: 'person@example.com' }, groupConfiguration: {}, scopes },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as unknown as PreTokenGenerationV3TriggerEvent;

const member = async (overrides: Partial<Member> = {}): Promise<Member> => {
  const made: Member = {
    userId: randomUUID(),
    orgId: randomUUID(),
    role: 'distributor',
    email: 'person@example.com',
    name: '李娜 Li Na',
    orgAdmin: false,
    status: 'active',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
  await createMember(made);
  return made;
};

describe("pre-token-generation trigger: a person's sign-in", () => {
  it.each([
    'TokenGeneration_HostedAuth',
    'TokenGeneration_Authentication',
    'TokenGeneration_RefreshTokens',
    'TokenGeneration_NewPasswordChallenge',
    'TokenGeneration_AuthenticateDevice',
  ])('%s: adds the membership (org_id, org_admin, the one role scope) to the access and ID tokens', async (source) => {
    const person = await member({ orgAdmin: true });
    // A traceseal scope the person asked for that is not its role's goes.
    const result = await handler(personEvent(source, person.userId, ['openid', 'email', 'traceseal/admin']));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: { org_id: person.orgId, org_admin: true, name: person.name, email: person.email },
        scopesToAdd: ['traceseal/distributor'],
        scopesToSuppress: ['traceseal/admin'],
      },
      idTokenGeneration: {
        claimsToAddOrOverride: { org_id: person.orgId, role: 'distributor', org_admin: true, name: person.name },
      },
    });
  });

  it('gives no token to a person without a membership, or removed, or to an event without a user', async () => {
    await expect(handler(personEvent('TokenGeneration_HostedAuth', randomUUID()))).rejects.toThrow(/belongs to no organization/);
    const person = await member({ role: 'factory' });
    const stored = await getMember(person.orgId, person.userId);
    if (stored === undefined) throw new Error('no membership');
    await markMemberRemoved(stored, new Date());
    // A refresh after the removal fails, so the console's session ends at the next refresh.
    await expect(handler(personEvent('TokenGeneration_RefreshTokens', person.userId))).rejects.toThrow(
      /belongs to no organization/,
    );
    await expect(handler(personEvent('TokenGeneration_Authentication', undefined))).rejects.toThrow(/names no user/);
  });

  it('gives no token for a trigger source it does not know', async () => {
    const person = await member();
    await expect(handler(personEvent('TokenGeneration_SomethingNew', person.userId))).rejects.toThrow(/trigger source/);
  });
});
