import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CryptoKey, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeForRole } from '#kernel/auth/principal';
import { withCheckDigit } from '#kernel/codes/gtin';
import type { Organization } from '#registry/contract';
import { ROUTES } from '#shared/app/routes';
import { createOrganization } from '#shared/registry/store/org-repository';
import { handler as verifyHandler } from '../../functions/verify-code/handler';
import { LOCAL_ISSUER, LOCAL_ISSUER_ALG, LOCAL_ISSUER_JWKS_PATH, loadLocalIssuerKey } from '../../scripts/local/local-issuer';
import { apiEvent, lambdaContext } from '../support/events';
import { freshGtin, productBody } from '../support/fixtures';
import { startTestService, type TestService } from '../support/local-service';

/**
 * The local gateway calls the real Lambda authorizer (functions/authorize-request), configured
 * against the local issuer's JWKS as the stack configures it against the Cognito pool's.
 */
let service: TestService;
let issuerKey: CryptoKey;
let kid: string;

beforeAll(async () => {
  service = await startTestService();
  issuerKey = await loadLocalIssuerKey(service.runtime.dataDir);
  const jwks = (await (await fetch(`${service.url}${LOCAL_ISSUER_JWKS_PATH}`)).json()) as { keys: { kid: string }[] };
  kid = jwks.keys[0]?.kid ?? '';
});
afterAll(async () => service?.stop());

/** A token signed by the local issuer's own key, with any claims a test wants. */
const forge = async (claims: JWTPayload, { key = issuerKey, keyId = kid } = {}): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: LOCAL_ISSUER_ALG, typ: 'JWT', kid: keyId }).sign(key);

const claimsFor = (orgId: string, role = 'factory'): JWTPayload => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: LOCAL_ISSUER,
    sub: `local-${orgId}`,
    client_id: `local-${orgId}`,
    token_use: 'access',
    scope: scopeForRole(role as 'factory'),
    org_id: orgId,
    iat: now,
    exp: now + 600,
  };
};

const org = (n: number, role: Organization['role'] = 'factory'): Organization => ({
  id: randomUUID(),
  name: `Factory ${n}`,
  role,
  region: 'CN-ZJ Ningbo',
  licenseNumber: `LIC-${randomUUID().slice(0, 12).toUpperCase()}`,
  createdAt: new Date().toISOString(),
});

describe('the local gateway runs the real authorizer', () => {
  // The authorizer has no list of clients or organizations (the unit test runs a thousand
  // through it): an organization registered now gets in with its token, with no change to
  // the gateway, the authorizer or its configuration.
  it('lets a newly registered organization in with its own token, with nothing to add to the API', async () => {
    const registered = org(1000);
    await createOrganization(registered);
    const token = await service.token(registered.id, 'factory');
    const res = await service.call('POST', '/v1/products', { token, body: productBody(freshGtin()) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { ownerOrgId: string }).ownerOrgId).toBe(registered.id);
    expect((await service.call('GET', `/v1/orgs/${registered.id}`, { token })).status).toBe(200);
  });

  // Before, each of these was a bare 403 {"message":"Forbidden"} (401 {"message":"Unauthorized"}
  // without a token): the caller could not tell a stale token from a wrong role.
  it('answers every refused token in the documented error shape, with the reason as its code', async () => {
    const registered = org(1);
    await createOrganization(registered);
    const good = claimsFor(registered.id);
    const path = `/v1/orgs/${registered.id}`;
    const refusal = async (headers: Record<string, string>) => {
      const res = await service.call('GET', path, { headers });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await service.call('GET', path, { token: await forge(good) })).status).toBe(200);

    const { exp: _exp, ...withoutExp } = good;
    const { privateKey: otherKey } = await generateKeyPair(LOCAL_ISSUER_ALG);
    const { org_id: _org, ...withoutOrg } = good;
    const past = Math.floor(Date.now() / 1000) - 3600;
    const cases: [string, Record<string, string>, number, string][] = [
      ['no token', {}, 401, 'MISSING_TOKEN'],
      ['an empty Authorization header', { authorization: '' }, 401, 'MISSING_TOKEN'],
      ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }, 401, 'MALFORMED_TOKEN'],
      ['not a JWT', bearer('not.a.jwt'), 401, 'MALFORMED_TOKEN'],
      ['expired', bearer(await forge({ ...good, iat: past - 60, exp: past })), 401, 'TOKEN_EXPIRED'],
      [
        'from a key not in the JWKS, under the issuer key id',
        bearer(await forge(good, { key: otherKey })),
        401,
        'UNKNOWN_SIGNING_KEY',
      ],
      [
        'from another issuer',
        bearer(await forge({ ...good, iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other' })),
        401,
        'INVALID_TOKEN',
      ],
      ['without exp (jose accepts that unless told not to)', bearer(await forge(withoutExp)), 401, 'INVALID_TOKEN'],
      ['without org_id', bearer(await forge(withoutOrg)), 403, 'INVALID_TOKEN_CLAIMS'],
      [
        'with two role scopes',
        bearer(await forge({ ...good, scope: `${scopeForRole('factory')} ${scopeForRole('admin')}` })),
        403,
        'INVALID_TOKEN_CLAIMS',
      ],
      ['an id token', bearer(await forge({ ...good, token_use: 'id' })), 403, 'INVALID_TOKEN_CLAIMS'],
      ['an organization that is not registered', bearer(await forge(claimsFor(randomUUID()))), 403, 'ORG_NOT_REGISTERED'],
      [
        'a registered organization in a role it is not registered in',
        bearer(await forge(claimsFor(registered.id, 'regulator'))),
        403,
        'ORG_NOT_REGISTERED',
      ],
    ];
    for (const [what, headers, status, code] of cases) {
      expect(await refusal(headers), what).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    }
    const factoryRegistering = await service.call('POST', '/v1/orgs', { token: await forge(good), body: {} });
    expect({ status: factoryRegistering.status, body: await factoryRegistering.json() }).toEqual({
      status: 403,
      body: { error: { code: 'ROLE_NOT_ALLOWED', message: 'This operation needs one of the roles: admin' } },
    });
  });

  it('refuses an unregistered organization before its token reads anything: no empty lists', async () => {
    const ghost = await service.token(randomUUID(), 'factory');
    const res = await service.call('GET', '/v1/batches', { token: ghost });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORG_NOT_REGISTERED');
  });

  it('ignores an origin-verify header a viewer sends: the gateway sets its own, as CloudFront does', async () => {
    const res = await service.call('GET', '/.well-known/jwks.json', { headers: { 'x-origin-verify': 'guess' } });
    expect(res.status).toBe(200);
  });
});

describe('HEAD on the verification routes', () => {
  const sscc = withCheckDigit('30614141000000000');
  const forged = `AAAA${'B'.repeat(86)}`;

  it('answers HEAD like GET (status, type, cache lifetime) without a body; other routes have no HEAD', async () => {
    const path = `/00/${sscc}?8030=${forged}`;
    const get = await service.call('GET', path, { headers: { accept: 'application/json' } });
    const head = await service.call('HEAD', path, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    for (const name of ['content-type', 'cache-control', 'vary'])
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    expect(await head.text()).toBe('');
    expect((await service.call('HEAD', `/01/${freshGtin()}/10/L1/21/ABC?8030=${forged}`)).status).not.toBe(404);
    expect((await service.call('HEAD', '/.well-known/jwks.json')).status).toBe(404);
  });

  it('the handler itself leaves the body out for HEAD, errors included', async () => {
    const headEvent = (event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 => ({
      ...event,
      routeKey: event.routeKey.replace(/^GET/, 'HEAD'),
      requestContext: {
        ...event.requestContext,
        routeKey: event.routeKey.replace(/^GET/, 'HEAD'),
        http: { ...event.requestContext.http, method: 'HEAD' },
      },
    });
    const ok = apiEvent(ROUTES.verifyContainer, { pathParameters: { sscc }, query: { '8030': forged } });
    const get = (await verifyHandler(ok, lambdaContext())) as { statusCode: number; body: string };
    const head = (await verifyHandler(headEvent(ok), lambdaContext())) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(get.body.length).toBeGreaterThan(0);
    expect(head).toMatchObject({ statusCode: 200, body: '' });
    const bad = headEvent(apiEvent(ROUTES.verifyContainer, { pathParameters: { sscc: '123' }, query: { '8030': forged } }));
    expect((await verifyHandler(bad, lambdaContext())) as unknown).toMatchObject({ statusCode: 400, body: '' });
  });
});
