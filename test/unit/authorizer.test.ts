import { createServer, type Server } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type CryptoKey, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizerResult, createAuthorizer, ORIGIN_VERIFY_HEADER } from '#shared/auth/authorizer';
import { principalFromEvent } from '#shared/auth/principal';
import { ROUTES, type RouteDefinition } from '#shared/http/routes';

const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool';
const ORIGIN_SECRET = 'origin-verify-secret-value-0123456789';

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}
const makeKey = async (kid: string): Promise<Key> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
};

let poolKey: Key;
let otherPoolKey: Key;
let authorize: (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult>;

beforeAll(async () => {
  poolKey = await makeKey('pool-key-1');
  otherPoolKey = await makeKey('other-pool-key');
  authorize = createAuthorizer({
    issuer: ISSUER,
    keys: createLocalJWKSet({ keys: [poolKey.jwk] }),
    originVerifyValues: async () => [ORIGIN_SECRET],
  });
});

/** A Cognito client-credentials access token, as the V3 pre-token trigger shapes it. */
const accessToken = async (
  overrides: JWTPayload = {},
  options: { key?: Key; kid?: string; omit?: string[] } = {},
): Promise<string> => {
  const key = options.key ?? poolKey;
  const kid = options.kid ?? key.jwk.kid;
  const omit = options.omit ?? [];
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    sub: 'client-abc',
    client_id: 'client-abc',
    token_use: 'access',
    scope: 'traceseal/factory',
    org_id: 'org-0001',
    iss: ISSUER,
    iat: now,
    exp: now + 3600,
    jti: crypto.randomUUID(),
    ...overrides,
  };
  for (const name of omit) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key.privateKey);
};

const authorizerEvent = (
  route: RouteDefinition,
  { token, origin = ORIGIN_SECRET, method = route.method }: { token?: string; origin?: string | null; method?: string } = {},
): APIGatewayRequestAuthorizerEventV2 => {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (origin !== null) headers[ORIGIN_VERIFY_HEADER] = origin;
  const routeKey = `${method} ${route.path}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:eu-central-1:123456789012:api/$default/${method}${route.path}`,
    identitySource: Object.values(headers),
    routeKey,
    rawPath: route.path,
    rawQueryString: '',
    cookies: [],
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path: route.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
};

describe('the Lambda authorizer: tokens', () => {
  it('accepts an access token of the pool with one role scope and org_id, and hands the principal on', async () => {
    const result = await authorize(authorizerEvent(ROUTES.createProduct, { token: await accessToken() }));
    expect(result).toEqual({
      isAuthorized: true,
      context: { orgId: 'org-0001', role: 'factory', clientId: 'client-abc', expiresAt: expect.any(Number) as unknown },
    });
  });

  // The JWT authorizer accepted only the 50 client ids in its audience list; this one has no list.
  it('accepts the tokens of a thousand different organizations and app clients with no change to its configuration', async () => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const n = String(i + 1).padStart(4, '0');
        const token = await accessToken({ org_id: `org-${n}`, client_id: `client-${n}`, sub: `client-${n}` });
        return authorize(authorizerEvent(ROUTES.createProduct, { token }));
      }),
    );
    expect(results.filter((r) => r.isAuthorized)).toHaveLength(1000);
    expect(results[999]?.context).toMatchObject({ orgId: 'org-1000', clientId: 'client-1000' });
  });

  it.each([
    [
      'another pool (other issuer, its own key)',
      () => accessToken({ iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other' }, { key: otherPoolKey }),
    ],
    ['the right issuer, signed by a key not in the JWKS', () => accessToken({}, { key: otherPoolKey })],
    ['the right issuer, another key claiming the pool key id', () => accessToken({}, { key: otherPoolKey, kid: 'pool-key-1' })],
    ['another issuer signed by the pool key', () => accessToken({ iss: 'https://evil.example' })],
    ['expired', () => accessToken({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 })],
    ['without exp', () => accessToken({}, { omit: ['exp'] })],
    ['without org_id', () => accessToken({}, { omit: ['org_id'] })],
    ['with an empty org_id', () => accessToken({ org_id: '' })],
    ['with two role scopes', () => accessToken({ scope: 'traceseal/factory traceseal/admin' })],
    ['with no role scope', () => accessToken({ scope: 'openid' })],
    ['an id token', () => accessToken({ token_use: 'id' })],
    ['without client_id', () => accessToken({}, { omit: ['client_id'] })],
    [
      'unsigned (alg none)',
      async () =>
        `${(await accessToken())
          .split('.')
          .slice(0, 2)
          .join('.')
          .replace(/^[^.]+/, Buffer.from('{"alg":"none"}').toString('base64url'))}.`,
    ],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses a token: %s', async (_, make) => {
    const result = await authorize(authorizerEvent(ROUTES.createProduct, { token: await make() }));
    expect(result).toEqual({ isAuthorized: false, context: {} });
  });

  it('refuses a role the route does not allow, and decides per route (the route key is part of its cache key)', async () => {
    const factory = await accessToken();
    expect((await authorize(authorizerEvent(ROUTES.createOrganization, { token: factory }))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token: factory }))).isAuthorized).toBe(true);
    const admin = await accessToken({ scope: 'traceseal/admin' });
    expect((await authorize(authorizerEvent(ROUTES.createOrganization, { token: admin }))).isAuthorized).toBe(true);
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token: admin }))).isAuthorized).toBe(false);
  });

  it('refuses a request without a bearer token on a private route', async () => {
    expect((await authorize(authorizerEvent(ROUTES.createProduct))).isAuthorized).toBe(false);
  });
});

describe('the Lambda authorizer: the origin-verify header', () => {
  it('lets public routes through (GET and HEAD) only with the header CloudFront sends', async () => {
    expect(await authorize(authorizerEvent(ROUTES.verifyCode))).toEqual({ isAuthorized: true, context: {} });
    expect((await authorize(authorizerEvent(ROUTES.verifyContainer, { method: 'HEAD' }))).isAuthorized).toBe(true);
    expect((await authorize(authorizerEvent(ROUTES.verifyCode, { origin: 'guess' }))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(ROUTES.verifyCode, { origin: null }))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(ROUTES.getJwks, { origin: `${ORIGIN_SECRET}x` }))).isAuthorized).toBe(false);
  });

  it('refuses a valid token that did not come through CloudFront', async () => {
    const token = await accessToken();
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token, origin: null }))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token, origin: 'wrong' }))).isAuthorized).toBe(false);
  });

  it('refuses a route it does not know (HEAD where only GET is served)', async () => {
    expect((await authorize(authorizerEvent(ROUTES.getJwks, { method: 'HEAD' }))).isAuthorized).toBe(false);
  });
});

describe('the principal a handler reads', () => {
  const eventWith = (lambda: Record<string, unknown> | undefined) =>
    ({ requestContext: lambda === undefined ? {} : { authorizer: { lambda } } }) as unknown as APIGatewayProxyEventV2;

  it('is the authorizer context, refused once the token has expired (API Gateway may replay a cached answer)', () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    expect(principalFromEvent(eventWith({ orgId: 'o1', role: 'factory', clientId: 'c', expiresAt }))).toEqual({
      orgId: 'o1',
      role: 'factory',
      clientId: 'c',
    });
    expect(() =>
      principalFromEvent(eventWith({ orgId: 'o1', role: 'factory', clientId: 'c', expiresAt: expiresAt - 120 })),
    ).toThrow(expect.objectContaining({ statusCode: 401 }) as Error);
    expect(() => principalFromEvent(eventWith(undefined))).toThrow(expect.objectContaining({ statusCode: 401 }) as Error);
    expect(() => principalFromEvent(eventWith({ orgId: 'o1', role: 'root', expiresAt }))).toThrow(
      expect.objectContaining({ statusCode: 403 }) as Error,
    );
  });
});

describe('functions/authorize', () => {
  const secrets = mockClient(SecretsManagerClient);
  let server: Server;
  let jwksUrl: string;
  let jwksFetches = 0;

  beforeAll(async () => {
    server = createServer((_, res) => {
      jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [poolKey.jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/jwks.json`;
  });
  afterAll(async () => {
    secrets.restore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fetches the JWKS and the origin secret once per container, from the configuration the stack sets', async () => {
    Object.assign(process.env, { TOKEN_ISSUER: ISSUER, TOKEN_JWKS_URL: jwksUrl, ORIGIN_VERIFY_SECRET_ID: 'arn:secret:origin' });
    delete process.env.ORIGIN_VERIFY_VALUE;
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:secret:origin', VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: ORIGIN_SECRET });
    // The value before the last change: accepted until CloudFront sends the new one.
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:secret:origin', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'previous-value' });
    try {
      const { handler } = await import('../../functions/authorize/handler');
      for (let i = 0; i < 5; i++) {
        const token = await accessToken({ org_id: `org-${i}` });
        expect((await handler(authorizerEvent(ROUTES.createProduct, { token }))).isAuthorized).toBe(true);
      }
      expect((await handler(authorizerEvent(ROUTES.verifyCode, { origin: 'nope' }))).isAuthorized).toBe(false);
      expect((await handler(authorizerEvent(ROUTES.verifyCode, { origin: 'previous-value' }))).isAuthorized).toBe(true);
      expect(jwksFetches).toBe(1);
      // Current and previous, once for the container (until the 5-minute refresh).
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      for (const key of ['TOKEN_ISSUER', 'TOKEN_JWKS_URL', 'ORIGIN_VERIFY_SECRET_ID']) delete process.env[key];
    }
  });
});
