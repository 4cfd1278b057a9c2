import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { ConflictError } from '#kernel/errors';
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
