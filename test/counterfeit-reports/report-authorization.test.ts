import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#kernel/roles';
import { registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { freshViewer, postJson, reportFields } from '../support/reports';

/**
 * Who may file and who may read counterfeit reports. Filing is public; reading is for
 * factories (their products) and regulators (their province) only.
 */
let service: TestService;
let adminToken: string;
const tokens = new Map<Role, string>();
beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  for (const role of ['factory', 'distributor', 'regulator'] as const)
    tokens.set(role, (await registerOrg(service, role, adminToken)).token);
  tokens.set('admin', adminToken);
});
afterAll(async () => service?.stop());

describe('authorization matrix', () => {
  it('POST /v1/reports needs no token', async () => {
    expect((await postJson(service, reportFields(), freshViewer())).status).toBe(202);
  });

  it('GET /v1/reports without a token is 401', async () => {
    expect((await service.call('GET', '/v1/reports')).status).toBe(401);
  });

  it.each([
    ['factory', 200],
    ['regulator', 200],
    ['distributor', 403],
    ['admin', 403],
  ] as const)('GET /v1/reports as %s is %i', async (role, status) => {
    const res = await service.call('GET', '/v1/reports', { token: tokens.get(role) ?? '' });
    expect(res.status).toBe(status);
  });

  it('a token whose organization is not registered in that role reads nothing', async () => {
    const res = await service.call('GET', '/v1/reports', { token: await service.token('no-such-org', 'regulator') });
    expect(res.status).toBe(403);
  });

  it('only regulators read unlocated reports', async () => {
    const res = await service.call('GET', '/v1/reports?unlocated=true', { token: tokens.get('factory') ?? '' });
    expect(res.status).toBe(400);
  });
});
