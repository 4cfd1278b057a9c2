import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '#registry/contract';
import { createOrganization } from '#shared/registry/store/org-repository';
import { freshGtin, productBody } from '../support/fixtures';
import { startTestService, type TestService } from '../support/local-service';
import { addPerson, signIn } from '../support/people';

/** Who did what: every successful write of an organization's people and API clients, for its admins. */
let service: TestService;
let factory: Organization;
let other: Organization;
let admin: { token: string; userId: string };
let member: string;
let otherAdmin: string;

interface Entry {
  at: string;
  actor: { kind: string; userId?: string; name?: string; clientId?: string };
  operation: string;
  resources: Record<string, string>;
  location?: string;
}

const organization = (): Organization => ({
  id: randomUUID(),
  name: 'Activity Factory',
  role: 'factory',
  region: 'CN-ZJ Hangzhou',
  licenseNumber: `LIC-${randomUUID().slice(0, 12).toUpperCase()}`,
  createdAt: new Date().toISOString(),
});

const activity = async (orgId: string, token: string, query = '') =>
  service.call('GET', `/v1/organizations/${orgId}/activity${query}`, { token });

beforeAll(async () => {
  service = await startTestService();
  factory = organization();
  other = organization();
  await createOrganization(factory);
  await createOrganization(other);
  const person = await addPerson(service, { orgId: factory.id, role: 'factory', orgAdmin: true, name: '张伟 Zhang Wei' });
  admin = { token: (await signIn(service.url, person)).accessToken, userId: person.userId };
  member = (await signIn(service.url, await addPerson(service, { orgId: factory.id, role: 'factory' }))).accessToken;
  otherAdmin = (await signIn(service.url, await addPerson(service, { orgId: other.id, role: 'factory', orgAdmin: true })))
    .accessToken;
});
afterAll(async () => service?.stop());

describe("an organization's activity", () => {
  it('lists each successful write, newest first, by person or API client, and neither reads nor failed writes', async () => {
    const personGtin = freshGtin();
    expect((await service.call('POST', '/v1/products', { token: admin.token, body: productBody(personGtin) })).status).toBe(201);
    // A read and a refused write record nothing.
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: admin.token })).status).toBe(200);
    expect((await service.call('POST', '/v1/products', { token: admin.token, body: { gtin: 'nope' } })).status).toBe(400);
    const client = await service.token(factory.id, 'factory');
    const clientGtin = freshGtin();
    expect((await service.call('POST', '/v1/products', { token: client, body: productBody(clientGtin) })).status).toBe(201);

    const res = await activity(factory.id, admin.token);
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: Entry[] };
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actor: { kind: 'client', clientId: `local-${factory.id}` },
      operation: 'createProduct',
    });
    expect(entries[1]).toMatchObject({
      actor: { kind: 'person', userId: admin.userId, name: '张伟 Zhang Wei', orgAdmin: true },
      operation: 'createProduct',
    });
    expect(entries[1]?.location ?? JSON.stringify(entries[1]?.resources)).toContain(personGtin);
    expect(entries[0]?.location ?? JSON.stringify(entries[0]?.resources)).toContain(clientGtin);
    expect(Date.parse(entries[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(entries[1]?.at ?? ''));
  });

  it('records a write with path parameters (an invitation) by what it named', async () => {
    const res = await service.call('POST', `/v1/organizations/${factory.id}/users`, {
      token: admin.token,
      body: { email: `activity-${randomUUID().slice(0, 8)}@example.com`, name: 'Invited' },
    });
    expect(res.status).toBe(201);
    const { entries } = (await (await activity(factory.id, admin.token, '?limit=1')).json()) as { entries: Entry[] };
    expect(entries[0]).toMatchObject({ operation: 'inviteOrganizationUser', resources: { orgId: factory.id } });
  });

  it('pages with a sealed cursor bound to the organization', async () => {
    const first = (await (await activity(factory.id, admin.token, '?limit=1')).json()) as { entries: Entry[]; cursor?: string };
    expect(first.entries).toHaveLength(1);
    if (first.cursor === undefined) throw new Error('no cursor');
    const second = (await (await activity(factory.id, admin.token, `?limit=1&cursor=${first.cursor}`)).json()) as {
      entries: Entry[];
    };
    expect(second.entries).toHaveLength(1);
    expect((second.entries[0]?.at ?? '') <= (first.entries[0]?.at ?? '')).toBe(true);
    // Replayed on another organization's listing, by its own admin.
    const replayed = await activity(other.id, otherAdmin, `?limit=1&cursor=${first.cursor}`);
    expect(replayed.status).toBe(400);
    expect(((await replayed.json()) as { error: { code: string } }).error.code).toBe('INVALID_CURSOR');
  });

  it("is refused to a member who is no org admin, to another organization's admin and to an API client", async () => {
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await codeOf(await activity(factory.id, member))).toEqual([403, 'NOT_ORG_ADMIN']);
    expect(await codeOf(await activity(factory.id, otherAdmin))).toEqual([403, 'NOT_YOUR_ORGANIZATION']);
    expect(await codeOf(await activity(factory.id, await service.token(factory.id, 'factory')))).toEqual([403, 'NOT_ORG_ADMIN']);
  });
});
