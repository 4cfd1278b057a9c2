import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '#kernel/auth/principal';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { Organization } from '#registry/contract';
import { inviteMember, removeMember } from '#shared/registry/services/member-service';
import { createMember, getMember } from '#shared/registry/store/member-repository';
import { createOrganization } from '#shared/registry/store/org-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * In AWS people are users of the Cognito pool (a mock here; the memberships go to this
 * file's DynamoDB Local table): an invitation is AdminCreateUser, a removal AdminDisableUser
 * then AdminDeleteUser, and a membership that fails takes its user back.
 */
const cognito = mockClient(CognitoIdentityProviderClient);
const operator: Principal = {
  orgId: 'bootstrap-admin',
  role: 'admin',
  clientId: 'ops',
  actor: { kind: 'client', clientId: 'ops' },
};

const organization = async (): Promise<Organization> => {
  const org: Organization = {
    id: randomUUID(),
    name: 'Suzhou Gloves',
    role: 'factory',
    region: 'CN-JS Suzhou',
    licenseNumber: `LIC-${randomUUID().slice(0, 8)}`,
    createdAt: new Date().toISOString(),
  };
  await createOrganization(org);
  return org;
};

beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
beforeEach(() => {
  process.env.USER_POOL_ID = 'eu-central-1_Example';
  cognito.reset();
});
afterEach(() => {
  delete process.env.USER_POOL_ID;
});

describe('people in the Cognito user pool', () => {
  it('invites by AdminCreateUser (Cognito mails the password) and takes the user id from its sub', async () => {
    const org = await organization();
    const sub = randomUUID();
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: sub }] } });
    const member = await inviteMember(operator, org.id, { email: ' Wei.Zhang@Example.com ', name: '张伟', orgAdmin: true });
    expect(member).toMatchObject({ userId: sub, orgId: org.id, role: 'factory', email: 'wei.zhang@example.com', orgAdmin: true });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-central-1_Example',
      Username: 'wei.zhang@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'wei.zhang@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: '张伟' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect((await getMember(org.id, sub))?.status).toBe('active');
  });

  it('answers USER_EXISTS when the pool has the email already', async () => {
    const org = await organization();
    cognito.on(AdminCreateUserCommand).rejects(Object.assign(new Error('exists'), { name: 'UsernameExistsException' }));
    await expect(inviteMember(operator, org.id, { email: 'a@example.com', name: 'A', orgAdmin: false })).rejects.toMatchObject({
      statusCode: 409,
      code: 'USER_EXISTS',
    });
  });

  it('deletes the user again when its membership cannot be written, so nobody signs in without belonging', async () => {
    const org = await organization();
    const sub = randomUUID();
    // The user id is taken already: the membership's condition fails.
    await createMember({
      userId: sub,
      orgId: org.id,
      role: 'factory',
      email: 'x@example.com',
      name: 'X',
      orgAdmin: false,
      status: 'active',
      createdAt: new Date().toISOString(),
    });
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: sub }] } });
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminDeleteUserCommand).resolves({});
    await expect(inviteMember(operator, org.id, { email: 'y@example.com', name: 'Y', orgAdmin: false })).rejects.toMatchObject({
      code: 'USER_EXISTS',
    });
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-central-1_Example',
      Username: 'y@example.com',
    });
  });

  it('removes by marking the membership, then disabling and deleting the user', async () => {
    const org = await organization();
    const sub = randomUUID();
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: sub }] } });
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminDeleteUserCommand).resolves({});
    await inviteMember(operator, org.id, { email: 'leaver@example.com', name: 'Leaver', orgAdmin: false });
    const removed = await removeMember(operator, org.id, sub);
    expect(removed.status).toBe('removed');
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input.Username).toBe('leaver@example.com');
    expect((await getMember(org.id, sub))?.status).toBe('removed');
  });

  it('keeps the removal when Cognito cannot delete the user: the membership alone already refuses its tokens', async () => {
    const org = await organization();
    const sub = randomUUID();
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: sub }] } });
    cognito.on(AdminDisableUserCommand).rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
    await inviteMember(operator, org.id, { email: 'stuck@example.com', name: 'Stuck', orgAdmin: false });
    expect((await removeMember(operator, org.id, sub)).status).toBe('removed');
    expect((await getMember(org.id, sub))?.status).toBe('removed');
  });

  it('is refused to a person of the organization who is no org admin, before Cognito is asked', async () => {
    const org = await organization();
    const member: Principal = {
      orgId: org.id,
      role: 'factory',
      clientId: 'console',
      actor: { kind: 'person', userId: randomUUID(), name: 'Member', orgAdmin: false },
    };
    await expect(inviteMember(member, org.id, { email: 'z@example.com', name: 'Z', orgAdmin: true })).rejects.toMatchObject({
      code: 'NOT_ORG_ADMIN',
    });
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(0);
  });
});
