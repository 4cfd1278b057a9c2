import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '#registry/contract';
import { getMember, markMemberRemoved } from '#shared/registry/store/member-repository';
import { createOrganization } from '#shared/registry/store/org-repository';
import { LOCAL_ISSUER_ALG, loadLocalIssuerKey } from '../../scripts/local/local-issuer';
import { OIDC_PAGE_CSP } from '../../scripts/local/oidc-pages';
import { CONSOLE_CLIENT_ID, OIDC_KEY_FILE } from '../../scripts/local/oidc-provider';
import { freshGtin, productBody } from '../support/fixtures';
import { startTestService, type TestService } from '../support/local-service';
import { addPerson, signIn } from '../support/people';

/**
 * People sign in to the console against the local OpenID provider (oidc-provider, at /oidc
 * on the gateway's origin) with authorization code + PKCE, and the real authorizer takes
 * their access tokens on the API's private routes.
 */
let service: TestService;
let factory: Organization;

const organization = (role: Organization['role']): Organization => ({
  id: randomUUID(),
  name: `Org ${role}`,
  role,
  region: 'CN-AH Hefei',
  licenseNumber: `LIC-${randomUUID().slice(0, 12).toUpperCase()}`,
  createdAt: new Date().toISOString(),
});

beforeAll(async () => {
  service = await startTestService();
  factory = organization('factory');
  await createOrganization(factory);
});
afterAll(async () => service?.stop());

describe('signing in to the console through the local OpenID provider', () => {
  it('publishes its discovery document with the issuer on the gateway origin, PKCE S256 and end_session', async () => {
    const discovery = (await (await fetch(`${service.url}/oidc/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.issuer).toBe(`${service.url}/oidc`);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.end_session_endpoint).toBe(`${service.url}/oidc/session/end`);
    expect(discovery.authorization_endpoint).toBe(`${service.url}/oidc/auth`);
  });

  it('signs a person in with code + PKCE, and the access token calls private routes as that person', async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory', orgAdmin: true, name: '张伟 Zhang Wei' });
    const { accessToken, idToken, pages, loginPage } = await signIn(service.url, person);

    // The login page: Chinese first, English beneath, accessible labels, no script, its own CSP.
    expect(loginPage).toContain('<html lang="zh-CN">');
    expect(loginPage).toMatch(/<label for="email">电子邮箱<span class="en" lang="en">Email<\/span><\/label>/);
    expect(loginPage).toMatch(/<label for="password">密码/);
    expect(loginPage).not.toMatch(/<script|https?:\/\/(?!localhost)/);
    const shown = pages.filter((page) => page.headers.get('content-type')?.startsWith('text/html') === true);
    expect(shown.length).toBeGreaterThan(0);
    for (const page of shown) expect(page.headers.get('content-security-policy')).toBe(OIDC_PAGE_CSP);

    expect(decodeProtectedHeader(accessToken).alg).toBe('ES256');
    expect(decodeJwt(accessToken)).toMatchObject({
      iss: `${service.url}/oidc`,
      sub: person.userId,
      client_id: CONSOLE_CLIENT_ID,
      token_use: 'access',
      scope: 'openid profile email traceseal/factory',
      org_id: factory.id,
      org_admin: true,
      name: '张伟 Zhang Wei',
      email: person.email,
    });
    expect(decodeJwt(idToken)).toMatchObject({
      sub: person.userId,
      name: '张伟 Zhang Wei',
      email: person.email,
      org_id: factory.id,
      role: 'factory',
      org_admin: true,
    });

    const read = await service.call('GET', `/v1/orgs/${factory.id}`, { token: accessToken });
    expect(read.status).toBe(200);
    const created = await service.call('POST', '/v1/products', { token: accessToken, body: productBody(freshGtin()) });
    expect(created.status).toBe(201);
  });

  it('signs out at end_session with a bilingual confirmation, back to the console, and the session is gone', async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
    const { idToken, cookies } = await signIn(service.url, person, '/scan/callback');
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(url, service.url), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: cookies.header() },
      });
      cookies.take(res);
      return res;
    };
    const end = new URL(`${service.url}/oidc/session/end`);
    end.searchParams.set('id_token_hint', idToken);
    end.searchParams.set('post_logout_redirect_uri', `${service.url}/console/`);
    const confirm = await go(end.toString());
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('content-security-policy')).toBe(OIDC_PAGE_CSP);
    const page = await confirm.text();
    expect(page).toContain('退出登录');
    expect(page).toContain('Sign out');
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page);
    if (form?.[1] === undefined) throw new Error(`no sign-out form: ${page}`);
    const fields = new URLSearchParams();
    for (const [, name, value] of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      fields.set(name ?? '', value ?? '');
    }
    fields.set('logout', 'yes');
    const done = await go(form[1].replaceAll('&amp;', '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    expect(done.headers.get('location')).toBe(`${service.url}/console/`);
    // The session is gone: a new authorization asks for the password again.
    const again = await go(
      `/oidc/auth?client_id=traceseal-console&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${service.url}/console/callback`)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    expect(again.headers.get('location')).toMatch(/^\/oidc\/interaction\//);
  });

  it('refuses a wrong password on the form, and issues no code', async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
    await expect(signIn(service.url, { email: person.email, password: 'not-the-password' })).rejects.toThrow(
      /sign-in did not come back: 401/,
    );
  });

  it("refuses a removed person's token (USER_REMOVED), and the removed person can no longer sign in", async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
    const { accessToken } = await signIn(service.url, person);
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: accessToken })).status).toBe(200);

    const member = await getMember(factory.id, person.userId);
    if (member === undefined) throw new Error('no membership');
    await markMemberRemoved(member, new Date());

    const refused = await service.call('GET', `/v1/orgs/${factory.id}`, { token: accessToken });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('USER_REMOVED');
    await expect(signIn(service.url, person)).rejects.toThrow(/sign-in did not come back: 401/);
  });

  it("refuses a person's token with a forged org_id or two role scopes, even signed by the provider's own key", async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory', orgAdmin: true });
    const other = organization('factory');
    await createOrganization(other);
    const { accessToken } = await signIn(service.url, person);
    const claims = decodeJwt(accessToken);
    // The provider's key, as only the provider holds it: the strongest forger there is.
    const key = await loadLocalIssuerKey(service.runtime.dataDir, OIDC_KEY_FILE);
    const { d: _d, ...publicJwk } = await exportJWK(key);
    const kid = await calculateJwkThumbprint(publicJwk);
    const forge = (changes: JWTPayload) =>
      new SignJWT({ ...claims, ...changes }).setProtectedHeader({ alg: LOCAL_ISSUER_ALG, kid, typ: 'at+jwt' }).sign(key);
    const codeOf = async (token: string) => {
      const res = await service.call('GET', `/v1/orgs/${other.id}`, { token });
      return [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
    };
    expect(await codeOf(await forge({ org_id: other.id }))).toEqual([403, 'USER_REMOVED']);
    expect(await codeOf(await forge({ scope: 'openid profile email traceseal/factory traceseal/regulator' }))).toEqual([
      403,
      'INVALID_TOKEN_CLAIMS',
    ]);
    // The unchanged token still works (on its own organization): the refusals are the forgeries'.
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: await forge({}) })).status).toBe(200);
  });

  it('still takes tokens of the local issuer (npm run token) beside people', async () => {
    const token = await service.token(factory.id, 'factory');
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token })).status).toBe(200);
  });
});
