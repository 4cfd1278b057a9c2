import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/local/dynamodb-local';
import { LOCAL_ISSUER_TOKEN_PATH } from '../../scripts/local/issuer-endpoints';
import { registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * `npm run token` asks the running service's own issuer. Before, it read DATA_DIR itself
 * and, where that was not the service's, made a new issuer key there: every call with its
 * token was then a bare 403.
 */
const run = promisify(execFile);

let service: TestService;
let adminToken: string;
let elsewhere: string;
beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  elsewhere = await mkdtemp(join(tmpdir(), 'traceseal-other-data-'));
});
afterAll(async () => {
  await service?.stop();
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

/** The token command as `npm run token` runs it, in its own process (the service keeps answering in this one). */
const tokenCommand = async (args: string[], env: Record<string, string>) => {
  try {
    const { stdout, stderr } = await run(join(process.cwd(), 'node_modules/.bin/tsx'), ['scripts/token.ts', ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('npm run token', () => {
  it("mints from the running service's issuer, whatever DATA_DIR the command sees, and writes nothing there", async () => {
    const factory = await registerOrg(service, 'factory', adminToken);
    const minted = await tokenCommand(['--org', factory.id, '--role', 'factory'], {
      TRACESEAL_URL: service.url,
      DATA_DIR: elsewhere,
    });
    expect(minted.code, minted.stderr).toBe(0);
    const token = minted.stdout.trim().split('\n').at(-1) ?? '';
    const res = await service.call('GET', `/v1/orgs/${factory.id}`, { token });
    expect(res.status).toBe(200);
    expect(await readdir(elsewhere)).toEqual([]);
  }, 60_000);

  it('mints an operator token for an id that is no registered organization (admins are not in the registry)', async () => {
    const minted = await tokenCommand(['--org', 'ops', '--role', 'admin'], { TRACESEAL_URL: service.url });
    expect(minted.code, minted.stderr).toBe(0);
    const token = minted.stdout.trim().split('\n').at(-1) ?? '';
    expect((await service.call('GET', '/v1/batches', { token })).status).toBe(403);
    const created = await service.call('POST', '/v1/orgs', {
      token,
      body: { name: 'Token command check', role: 'distributor', region: 'CN-AH Hefei', licenseNumber: 'TOKEN-CMD-0001' },
    });
    expect(created.status).toBe(201);
  }, 60_000);

  it('refuses clearly, printing no token, for an organization the service does not know or in another role', async () => {
    const ghost = await tokenCommand(['--org', 'no-such-org', '--role', 'factory'], { TRACESEAL_URL: service.url });
    expect(ghost).toMatchObject({ code: 1, stdout: '' });
    expect(ghost.stderr).toContain('ORG_NOT_REGISTERED');
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const posing = await tokenCommand(['--org', distributor.id, '--role', 'regulator'], { TRACESEAL_URL: service.url });
    expect(posing).toMatchObject({ code: 1, stdout: '' });
    expect(posing.stderr).toContain('is registered as distributor, not regulator');
  }, 60_000);

  it('says no service is running, printing no token, instead of minting from a key of its own', async () => {
    const nobody = `http://localhost:${await findFreePort()}`;
    const result = await tokenCommand(['--org', 'ops', '--role', 'admin'], { TRACESEAL_URL: nobody, DATA_DIR: elsewhere });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`No TraceSeal service answers at ${nobody}`);
    expect(await readdir(elsewhere)).toEqual([]);
  }, 60_000);
});

describe('the local token endpoint', () => {
  const post = (headers: Record<string, string>, body: unknown = { orgId: 'ops', role: 'admin' }) =>
    fetch(`${service.url}${LOCAL_ISSUER_TOKEN_PATH}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const codeOf = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as { error: { code: string } }).error.code,
  });

  it('answers only a request to a loopback name, so a web page that rebinds its own host name cannot mint', async () => {
    expect((await post({ 'content-type': 'application/json' })).status).toBe(200);
    // fetch will not send another Host: a raw request, as a browser sends it after DNS rebinding.
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${service.url}${LOCAL_ISSUER_TOKEN_PATH}`,
        { method: 'POST', headers: { host: 'attacker.example:3000', 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ orgId: 'ops', role: 'admin' }));
    });
    expect(rebound.status).toBe(403);
    expect((JSON.parse(rebound.body) as { error: { code: string } }).error.code).toBe('LOOPBACK_ONLY');
  });

  it('takes only JSON (a cross-origin page must ask first, and is not granted), by POST, with named field errors', async () => {
    expect(await codeOf(await post({ 'content-type': 'text/plain' }))).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect((await fetch(`${service.url}${LOCAL_ISSUER_TOKEN_PATH}`)).status).toBe(405);
    const bad = await post({ 'content-type': 'application/json' }, { orgId: '', role: 'root', ttlSeconds: 10 });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { details: { path: string }[] } };
    expect(error.details.map((d) => d.path)).toEqual(['orgId', 'role', 'ttlSeconds']);
  });
});
