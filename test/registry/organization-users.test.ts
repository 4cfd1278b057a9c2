import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '#registry/contract';
import { listMembers } from '#shared/registry/store/member-repository';
import { createOrganization } from '#shared/registry/store/org-repository';
import { startTestService, type TestService } from '../support/local-service';
import { addPerson, issuedPasswordOf, signIn } from '../support/people';

/**
 * An organization's people through the API, against the real local service: the routes,
 * the authorizer with people's tokens from the local OpenID provider, DynamoDB Local and
 * the local account file in place of the Cognito user pool.
 */
let service: TestService;
let orgA: Organization;
let orgB: Organization;
let adminA: string;
let memberA: string;
let adminB: string;

const organization = (role: Organization['role']): Organization => ({
  id: randomUUID(),
  name: `Org ${role}`,
  role,
  region: 'CN-JS Nanjing',
  licenseNumber: `LIC-${randomUUID().slice(0, 12).toUpperCase()}`,
  createdAt: new Date().toISOString(),
});

const tokenOf = async (input: Parameters<typeof addPerson>[1]) =>
  (await signIn(service.url, await addPerson(service, input))).accessToken;

const errorCode = async (res: Response): Promise<string | undefined> =>
  ((await res.json()) as { error?: { code: string } }).error?.code;

const invite = (
  orgId: string,
  token: string,
  body: unknown = { email: `new-${randomUUID().slice(0, 8)}@example.com`, name: '新同事 New Colleague' },
) => service.call('POST', `/v1/organizations/${orgId}/users`, { token, body });

beforeAll(async () => {
  service = await startTestService();
  orgA = organization('distributor');
  orgB = organization('distributor');
  await createOrganization(orgA);
  await createOrganization(orgB);
  adminA = await tokenOf({ orgId: orgA.id, role: 'distributor', orgAdmin: true, name: 'Admin A' });
  memberA = await tokenOf({ orgId: orgA.id, role: 'distributor', orgAdmin: false, name: 'Member A' });
  adminB = await tokenOf({ orgId: orgB.id, role: 'distributor', orgAdmin: true, name: 'Admin B' });
});
afterAll(async () => service?.stop());

describe("an organization's admin manages its people", () => {
  it('invites a person, who signs in with the temporary password and acts in the organization role', async () => {
    const email = `Clerk-${randomUUID().slice(0, 8)}@Example.com`;
    const res = await invite(orgA.id, adminA, { email, name: '赵敏 Zhao Min' });
    expect(res.status).toBe(201);
    const invited = (await res.json()) as { userId: string; email: string; role: string; orgAdmin: boolean; status: string };
    expect(invited).toMatchObject({ email: email.toLowerCase(), role: 'distributor', orgAdmin: false, status: 'active' });
    expect(res.headers.get('location')).toBe(`/v1/organizations/${orgA.id}/users/${invited.userId}`);

    const password = await issuedPasswordOf(service, invited.userId);
    if (password === undefined) throw new Error('no temporary password');
    const { accessToken } = await signIn(service.url, { email, password });
    expect((await service.call('GET', `/v1/orgs/${orgA.id}`, { token: accessToken })).status).toBe(200);

    const list = await service.call('GET', `/v1/organizations/${orgA.id}/users`, { token: adminA });
    expect(list.status).toBe(200);
    const { users } = (await list.json()) as { users: { userId: string; name: string }[] };
    expect(users.map((user) => user.name)).toEqual(expect.arrayContaining(['Admin A', 'Member A', '赵敏 Zhao Min']));
  });

  it("removes a person: the person's token is refused (USER_REMOVED) and it can no longer sign in", async () => {
    const person = await addPerson(service, { orgId: orgA.id, role: 'distributor' });
    const { accessToken } = await signIn(service.url, person);
    const removed = await service.call('DELETE', `/v1/organizations/${orgA.id}/users/${person.userId}`, { token: adminA });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as { status: string }).status).toBe('removed');

    const refused = await service.call('GET', `/v1/orgs/${orgA.id}`, { token: accessToken });
    expect([refused.status, await errorCode(refused)]).toEqual([403, 'USER_REMOVED']);
    await expect(signIn(service.url, person)).rejects.toThrow(/401/);
    // Removed once: a second removal finds no current member.
    const again = await service.call('DELETE', `/v1/organizations/${orgA.id}/users/${person.userId}`, { token: adminA });
    expect([again.status, await errorCode(again)]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('never removes the last org admin', async () => {
    const org = organization('factory');
    await createOrganization(org);
    const only = await addPerson(service, { orgId: org.id, role: 'factory', orgAdmin: true });
    const { accessToken } = await signIn(service.url, only);
    const res = await service.call('DELETE', `/v1/organizations/${org.id}/users/${only.userId}`, { token: accessToken });
    expect([res.status, await errorCode(res)]).toEqual([409, 'LAST_ORG_ADMIN']);
    expect((await service.call('GET', `/v1/orgs/${org.id}`, { token: accessToken })).status).toBe(200);
  });

  it('refuses an email that already has a sign-in, and a bad body, writing nothing', async () => {
    const email = `twice-${randomUUID().slice(0, 8)}@example.com`;
    expect((await invite(orgA.id, adminA, { email, name: 'Once' })).status).toBe(201);
    const before = (await listMembers(orgA.id, { limit: 100 })).items.length;
    const twice = await invite(orgB.id, adminB, { email, name: 'Twice' });
    expect([twice.status, await errorCode(twice)]).toEqual([409, 'USER_EXISTS']);
    const bad = await invite(orgA.id, adminA, { email: 'not-an-email', name: 'X', extra: true });
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await listMembers(orgA.id, { limit: 100 })).items.length).toBe(before);
    expect((await listMembers(orgB.id, { limit: 100 })).items.map((m) => m.email)).not.toContain(email);
  });
});

describe('who may not manage people', () => {
  it("an org admin of A cannot list, invite or remove B's people", async () => {
    const personB = await addPerson(service, { orgId: orgB.id, role: 'distributor' });
    const list = await service.call('GET', `/v1/organizations/${orgB.id}/users`, { token: adminA });
    expect([list.status, await errorCode(list)]).toEqual([403, 'NOT_YOUR_ORGANIZATION']);
    const invited = await invite(orgB.id, adminA);
    expect([invited.status, await errorCode(invited)]).toEqual([403, 'NOT_YOUR_ORGANIZATION']);
    const removed = await service.call('DELETE', `/v1/organizations/${orgB.id}/users/${personB.userId}`, { token: adminA });
    expect([removed.status, await errorCode(removed)]).toEqual([403, 'NOT_YOUR_ORGANIZATION']);
    // Nor by naming B's person under A's own organization.
    const sideways = await service.call('DELETE', `/v1/organizations/${orgA.id}/users/${personB.userId}`, { token: adminA });
    expect([sideways.status, await errorCode(sideways)]).toEqual([404, 'USER_NOT_FOUND']);
    expect((await listMembers(orgB.id, { limit: 100 })).items.find((m) => m.userId === personB.userId)?.status).toBe('active');
  });

  it('a member who is not an org admin, and an API client of the organization, cannot invite or list', async () => {
    const byMember = await invite(orgA.id, memberA);
    expect([byMember.status, await errorCode(byMember)]).toEqual([403, 'NOT_ORG_ADMIN']);
    const clientToken = await service.token(orgA.id, 'distributor');
    const byClient = await invite(orgA.id, clientToken);
    expect([byClient.status, await errorCode(byClient)]).toEqual([403, 'NOT_ORG_ADMIN']);
    const listed = await service.call('GET', `/v1/organizations/${orgA.id}/users`, { token: memberA });
    expect([listed.status, await errorCode(listed)]).toEqual([403, 'NOT_ORG_ADMIN']);
  });

  it("the service's admin manages every organization's people", async () => {
    const operator = await service.token('ops-admin', 'admin');
    const res = await service.call('GET', `/v1/organizations/${orgB.id}/users`, { token: operator });
    expect(res.status).toBe(200);
    expect((await invite(orgB.id, operator)).status).toBe(201);
    const missing = await invite(randomUUID(), operator);
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'ORG_NOT_FOUND']);
  });
});
