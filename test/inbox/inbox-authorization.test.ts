import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOrg } from '../support/fixtures';
import { fileReport } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import { registerOrgIn } from '../support/reports';

/**
 * Who may read and work the regulators' inbox: registered regulators only, each within its
 * province (a national regulator its country). Another province's entry answers exactly
 * like a missing one, so a regulator cannot learn that it exists.
 */
let service: TestService;
let adminToken: string;
const tokens = new Map<string, string>();
let reference: string;

const inboxCalls = (id: string) =>
  [
    ['GET /v1/inbox', 'GET', '/v1/inbox', undefined],
    ['GET /v1/inbox/{kind}/{id}', 'GET', `/v1/inbox/report/${id}`, undefined],
    ['POST /v1/inbox/{kind}/{id}/status', 'POST', `/v1/inbox/report/${id}/status`, { status: 'investigating' }],
  ] as const;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  for (const role of ['factory', 'distributor'] as const) tokens.set(role, (await registerOrg(service, role, adminToken)).token);
  tokens.set('admin', adminToken);
  tokens.set('guangdong', (await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Shenzhen')).token);
  tokens.set('zhejiang', (await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou')).token);
  tokens.set('national', (await registerOrgIn(service, adminToken, 'regulator', 'CN')).token);
  tokens.set('unregistered', await service.token('no-such-org', 'regulator'));
  reference = await fileReport(service, reporterIn('CN-GD'));
});
afterAll(async () => service?.stop());

const call = (token: string | undefined, method: string, path: string, body: unknown) =>
  service.call(method, path, { ...(token === undefined ? {} : { token }), ...(body === undefined ? {} : { body }) });

describe('inbox authorization matrix', () => {
  it.each([
    ['no token', 401],
    ['factory', 403],
    ['distributor', 403],
    ['admin', 403],
    ['unregistered', 403],
  ] as const)('%s is refused on every inbox route (%i) and changes nothing', async (who, status) => {
    for (const [, method, path, body] of inboxCalls(reference)) {
      const res = await call(tokens.get(who), method, path, body);
      expect(res.status, `${method} ${path}`).toBe(status);
    }
    const entry = await call(tokens.get('guangdong'), 'GET', `/v1/inbox/report/${reference}`, undefined);
    expect(((await entry.json()) as { entry: { status: string } }).entry.status).toBe('new');
  });

  it("another province's regulator gets the same 404 as for a missing entry, and changes nothing", async () => {
    const zhejiang = tokens.get('zhejiang');
    const missing = 'TS-2026-0000AA';
    for (const [name, method, path, body] of inboxCalls(reference).slice(1)) {
      const hidden = await call(zhejiang, method, path, body);
      const absent = await call(zhejiang, method, path.replace(reference, missing), body);
      expect(hidden.status, name).toBe(404);
      expect(await hidden.json(), name).toEqual(
        JSON.parse(JSON.stringify(await absent.json()).replaceAll(missing, reference)) as unknown,
      );
    }
    const listed = (await (await call(zhejiang, 'GET', '/v1/inbox', undefined)).json()) as { entries: { id: string }[] };
    expect(listed.entries.map((e) => e.id)).not.toContain(reference);
    const entry = await call(tokens.get('guangdong'), 'GET', `/v1/inbox/report/${reference}`, undefined);
    expect(((await entry.json()) as { entry: { status: string } }).entry.status).toBe('new');
  });

  it('the province regulator and the national regulator may read and work it', async () => {
    for (const who of ['guangdong', 'national'] as const) {
      const listed = (await (await call(tokens.get(who), 'GET', '/v1/inbox', undefined)).json()) as { entries: { id: string }[] };
      expect(
        listed.entries.map((e) => e.id),
        who,
      ).toContain(reference);
      expect((await call(tokens.get(who), 'GET', `/v1/inbox/report/${reference}`, undefined)).status, who).toBe(200);
    }
    const [, , path] = inboxCalls(reference)[2];
    expect((await call(tokens.get('national'), 'POST', path, { status: 'investigating' })).status).toBe(200);
    const res = await call(tokens.get('guangdong'), 'POST', path, { status: 'closed', note: 'Seized 40 helmets' });
    expect(res.status).toBe(200);
  });
});
