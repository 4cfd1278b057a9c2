import { createServer, type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type CryptoKey, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { principalFromEvent } from '#kernel/auth/principal';
import type { TokenRefusal } from '#kernel/auth/token-refusals';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { RouteDefinition } from '#kernel/http/route-definition';
import type { Role } from '#kernel/roles';
import { ABSENT_AUTHORIZATION, type AuthorizerResult, createAuthorizer, ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { ROUTES } from '#shared/app/routes';
import { createMember, getMember, markMemberRemoved } from '#shared/registry/store/member-repository';
import { createOrganization } from '#shared/registry/store/org-repository';
import { ensureTable } from '../../scripts/local/tables';

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

/** The registry as the authorizer sees it: every `org-…` is a factory, `lab-…` a lab, nothing else exists. */
const registeredRole = async (orgId: string): Promise<Role | undefined> =>
  orgId.startsWith('org-') ? 'factory' : orgId.startsWith('lab-') ? 'lab' : undefined;

/** People as the authorizer sees them: `user-…` belongs to org-0001 as a factory (`user-admin-…` administers it). */
const currentMembership = async (orgId: string, userId: string) =>
  orgId === 'org-0001' && userId.startsWith('user-')
    ? { role: 'factory' as const, name: `Person ${userId}`, orgAdmin: userId.startsWith('user-admin-') }
    : undefined;

beforeAll(async () => {
  poolKey = await makeKey('pool-key-1');
  otherPoolKey = await makeKey('other-pool-key');
  authorize = createAuthorizer({
    issuers: [{ issuer: ISSUER, keys: createLocalJWKSet({ keys: [poolKey.jwk] }) }],
    originVerifyValues: async () => [ORIGIN_SECRET],
    organizationRole: registeredRole,
    membership: currentMembership,
  });
});

/** What a refused token's answer is: let through with only the reason, for the handler to answer with a body. */
const refusedWith = (refusal: TokenRefusal): AuthorizerResult => ({ isAuthorized: true, context: { refused: refusal } });

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
  {
    token,
    authorization = token === undefined ? undefined : `Bearer ${token}`,
    origin = ORIGIN_SECRET,
    method = route.method,
  }: { token?: string; authorization?: string; origin?: string | null; method?: string } = {},
): APIGatewayRequestAuthorizerEventV2 => {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
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
      context: {
        orgId: 'org-0001',
        role: 'factory',
        clientId: 'client-abc',
        expiresAt: expect.any(Number) as unknown,
        actorKind: 'client',
      },
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

  it.each<[string, TokenRefusal, () => Promise<string>]>([
    [
      'another pool (other issuer, its own key)',
      'UNKNOWN_SIGNING_KEY',
      () => accessToken({ iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other' }, { key: otherPoolKey }),
    ],
    ['the right issuer, signed by a key not in the JWKS', 'UNKNOWN_SIGNING_KEY', () => accessToken({}, { key: otherPoolKey })],
    [
      'the right issuer, another key claiming the pool key id',
      'UNKNOWN_SIGNING_KEY',
      () => accessToken({}, { key: otherPoolKey, kid: 'pool-key-1' }),
    ],
    ['another issuer signed by the pool key', 'INVALID_TOKEN', () => accessToken({ iss: 'https://evil.example' })],
    [
      'expired',
      'TOKEN_EXPIRED',
      () => accessToken({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 }),
    ],
    ['without exp', 'INVALID_TOKEN', () => accessToken({}, { omit: ['exp'] })],
    ['without org_id', 'INVALID_TOKEN_CLAIMS', () => accessToken({}, { omit: ['org_id'] })],
    ['with an empty org_id', 'INVALID_TOKEN_CLAIMS', () => accessToken({ org_id: '' })],
    ['with two role scopes', 'INVALID_TOKEN_CLAIMS', () => accessToken({ scope: 'traceseal/factory traceseal/admin' })],
    ['with no role scope', 'INVALID_TOKEN_CLAIMS', () => accessToken({ scope: 'openid' })],
    ['an id token', 'INVALID_TOKEN_CLAIMS', () => accessToken({ token_use: 'id' })],
    ['without client_id', 'INVALID_TOKEN_CLAIMS', () => accessToken({}, { omit: ['client_id'] })],
    [
      'unsigned (alg none)',
      'MALFORMED_TOKEN',
      async () =>
        `${(await accessToken())
          .split('.')
          .slice(0, 2)
          .join('.')
          .replace(/^[^.]+/, Buffer.from('{"alg":"none"}').toString('base64url'))}.`,
    ],
    ['garbage', 'MALFORMED_TOKEN', async () => 'not.a.jwt'],
  ])('refuses a token: %s (%s), with no organization or role in its answer', async (_, refusal, make) => {
    const result = await authorize(authorizerEvent(ROUTES.createProduct, { token: await make() }));
    expect(result).toEqual(refusedWith(refusal));
  });

  it.each<[string, string | undefined, TokenRefusal]>([
    ['no Authorization header (API Gateway never calls it so: CloudFront sends the marker)', undefined, 'MISSING_TOKEN'],
    ["CloudFront's marker for a missing header", ABSENT_AUTHORIZATION, 'MISSING_TOKEN'],
    ['an empty header', '  ', 'MISSING_TOKEN'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'MALFORMED_TOKEN'],
    ['a bearer with characters no JWT has', 'Bearer a b c', 'MALFORMED_TOKEN'],
  ])('refuses %s as %s', async (_, authorization, refusal) => {
    expect(await authorize(authorizerEvent(ROUTES.createProduct, { authorization }))).toEqual(refusedWith(refusal));
  });

  it('refuses a token whose organization is not registered, or not in the role the token claims; an admin is not looked up', async () => {
    const ghost = await accessToken({ org_id: 'ghost-factory' });
    expect(await authorize(authorizerEvent(ROUTES.createProduct, { token: ghost }))).toEqual(refusedWith('ORG_NOT_REGISTERED'));
    // org-… is registered as a factory: its id in a lab token does not make it a lab.
    const posingAsLab = await accessToken({ scope: 'traceseal/lab', org_id: 'org-0001' });
    expect(await authorize(authorizerEvent(ROUTES.registerLabReport, { token: posingAsLab }))).toEqual(
      refusedWith('ORG_NOT_REGISTERED'),
    );
    const lab = await accessToken({ scope: 'traceseal/lab', org_id: 'lab-0001' });
    expect((await authorize(authorizerEvent(ROUTES.registerLabReport, { token: lab }))).context).toMatchObject({
      orgId: 'lab-0001',
    });
    const operator = await accessToken({ scope: 'traceseal/admin', org_id: 'bootstrap-admin' });
    expect((await authorize(authorizerEvent(ROUTES.createOrganization, { token: operator }))).context).toMatchObject({
      orgId: 'bootstrap-admin',
      role: 'admin',
    });
  });

  it('fails (so API Gateway caches no answer) when the registry cannot be read, rather than refusing a good token', async () => {
    const failing = createAuthorizer({
      issuers: [{ issuer: ISSUER, keys: createLocalJWKSet({ keys: [poolKey.jwk] }) }],
      originVerifyValues: async () => [ORIGIN_SECRET],
      membership: currentMembership,
      organizationRole: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    await expect(failing(authorizerEvent(ROUTES.createProduct, { token: await accessToken() }))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });

  it('refuses a role the route does not allow, and decides per route (the route key is part of its cache key)', async () => {
    const factory = await accessToken();
    expect(await authorize(authorizerEvent(ROUTES.createOrganization, { token: factory }))).toEqual(
      refusedWith('ROLE_NOT_ALLOWED'),
    );
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token: factory }))).context).toMatchObject({
      role: 'factory',
    });
    const admin = await accessToken({ scope: 'traceseal/admin' });
    expect((await authorize(authorizerEvent(ROUTES.createOrganization, { token: admin }))).context).toMatchObject({
      role: 'admin',
    });
    expect(await authorize(authorizerEvent(ROUTES.createProduct, { token: admin }))).toEqual(refusedWith('ROLE_NOT_ALLOWED'));
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
    expect(await authorize(authorizerEvent(ROUTES.createProduct, { token, origin: null }))).toEqual({
      isAuthorized: false,
      context: {},
    });
    expect((await authorize(authorizerEvent(ROUTES.createProduct, { token, origin: 'wrong' }))).isAuthorized).toBe(false);
  });

  it('refuses a route it does not know (HEAD where only GET is served)', async () => {
    expect((await authorize(authorizerEvent(ROUTES.getJwks, { method: 'HEAD' }))).isAuthorized).toBe(false);
  });
});

describe('the Lambda authorizer: people', () => {
  /** A person's access token from the console's sign-in: `sub` is the user, not the client. */
  const personToken = (userId: string, overrides: JWTPayload = {}) =>
    accessToken({ sub: userId, client_id: 'console-client', name: 'Anyone', org_admin: true, ...overrides });

  it("takes a current member's token and names the person, with the membership's org admin flag (not the token's)", async () => {
    const result = await authorize(authorizerEvent(ROUTES.createProduct, { token: await personToken('user-7') }));
    expect(result).toEqual({
      isAuthorized: true,
      context: {
        orgId: 'org-0001',
        role: 'factory',
        clientId: 'console-client',
        expiresAt: expect.any(Number) as unknown,
        actorKind: 'person',
        userId: 'user-7',
        userName: 'Person user-7',
        orgAdmin: false,
      },
    });
  });

  it('refuses a removed person, a person of another organization, a forged org_id and two role scopes', async () => {
    const route = ROUTES.createProduct;
    // Never a member (or removed): the membership read finds none.
    expect(await authorize(authorizerEvent(route, { token: await personToken('someone-removed') }))).toEqual(
      refusedWith('USER_REMOVED'),
    );
    // A registered organization the person does not belong to, named by a forged org_id.
    expect(await authorize(authorizerEvent(route, { token: await personToken('user-7', { org_id: 'org-0002' }) }))).toEqual(
      refusedWith('USER_REMOVED'),
    );
    // A member, but the token claims a role its organization does not have.
    expect(
      await authorize(
        authorizerEvent(ROUTES.listReports, { token: await personToken('user-7', { scope: 'openid traceseal/regulator' }) }),
      ),
    ).toEqual(refusedWith('ORG_NOT_REGISTERED'));
    expect(
      await authorize(
        authorizerEvent(route, {
          token: await personToken('user-7', { scope: 'openid profile email traceseal/factory traceseal/admin' }),
        }),
      ),
    ).toEqual(refusedWith('INVALID_TOKEN_CLAIMS'));
  });

  it('takes tokens of every trusted issuer, each only with its own keys', async () => {
    const second = await makeKey('second-issuer-key');
    const twoIssuers = createAuthorizer({
      issuers: [
        { issuer: ISSUER, keys: createLocalJWKSet({ keys: [poolKey.jwk] }) },
        { issuer: 'http://localhost:3000/oidc', keys: createLocalJWKSet({ keys: [second.jwk] }) },
      ],
      originVerifyValues: async () => [ORIGIN_SECRET],
      organizationRole: registeredRole,
      membership: currentMembership,
    });
    const route = ROUTES.createProduct;
    const fromSecond = await personToken('user-9', { iss: 'http://localhost:3000/oidc' });
    expect(await authorize(authorizerEvent(route, { token: fromSecond }))).toEqual(refusedWith('INVALID_TOKEN'));
    // The second issuer's own token, with its own key: taken (the first issuer's authorizer alone refuses it).
    const secondsOwn = await accessToken({ iss: 'http://localhost:3000/oidc' }, { key: second });
    const taken = await twoIssuers(authorizerEvent(route, { token: secondsOwn }));
    expect(taken.isAuthorized).toBe(true);
    expect(taken.context).toMatchObject({ orgId: 'org-0001', actorKind: 'client' });
    // The second issuer's name with the first one's key: refused for its signature.
    expect(
      await twoIssuers(authorizerEvent(route, { token: await personToken('user-9', { iss: 'http://localhost:3000/oidc' }) })),
    ).toEqual(refusedWith('UNKNOWN_SIGNING_KEY'));
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
      actor: { kind: 'client', clientId: 'c' },
    });
    // A person, as API Gateway may hand the context on (booleans as strings).
    const person = { orgId: 'o1', role: 'factory', clientId: 'console', expiresAt, actorKind: 'person', userId: 'u1' };
    expect(principalFromEvent(eventWith({ ...person, userName: 'Wang Fang', orgAdmin: 'true' })).actor).toEqual({
      kind: 'person',
      userId: 'u1',
      name: 'Wang Fang',
      orgAdmin: true,
    });
    // A person without a user id is no principal at all.
    expect(() => principalFromEvent(eventWith({ ...person, userId: '' }))).toThrow(
      expect.objectContaining({ statusCode: 403 }) as Error,
    );
    expect(() =>
      principalFromEvent(eventWith({ orgId: 'o1', role: 'factory', clientId: 'c', expiresAt: expiresAt - 120 })),
    ).toThrow(expect.objectContaining({ statusCode: 401 }) as Error);
    expect(() => principalFromEvent(eventWith(undefined))).toThrow(expect.objectContaining({ statusCode: 401 }) as Error);
    expect(() => principalFromEvent(eventWith({ orgId: 'o1', role: 'root', expiresAt }))).toThrow(
      expect.objectContaining({ statusCode: 403 }) as Error,
    );
  });

  it.each<[TokenRefusal, number]>([
    ['MISSING_TOKEN', 401],
    ['MALFORMED_TOKEN', 401],
    ['TOKEN_EXPIRED', 401],
    ['UNKNOWN_SIGNING_KEY', 401],
    ['INVALID_TOKEN', 401],
    ['INVALID_TOKEN_CLAIMS', 403],
    ['ROLE_NOT_ALLOWED', 403],
    ['ORG_NOT_REGISTERED', 403],
  ])("is never read from a refused token's context: %s is a %i with that code", (refusal, status) => {
    expect(() => principalFromEvent(eventWith({ refused: refusal }), ['factory'])).toThrow(
      expect.objectContaining({ statusCode: status, code: refusal }) as Error,
    );
  });

  it('treats a refusal it does not know, even beside a principal, as a refusal', () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    expect(() => principalFromEvent(eventWith({ refused: 'SOMETHING_NEW', orgId: 'o1', role: 'factory', expiresAt }))).toThrow(
      expect.objectContaining({ statusCode: 403 }) as Error,
    );
  });
});

describe('functions/authorize-request', () => {
  const secrets = mockClient(SecretsManagerClient);
  let server: Server;
  let jwksUrl: string;
  let jwksFetches = 0;

  beforeAll(async () => {
    await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
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
      const { handler } = await import('../../functions/authorize-request/handler');
      for (let i = 0; i < 5; i++) {
        const orgId = crypto.randomUUID();
        await createOrganization({
          id: orgId,
          name: `Factory ${i}`,
          role: 'factory',
          region: 'CN-ZJ Ningbo',
          licenseNumber: `LIC-UNIT-${orgId.slice(0, 8)}`,
          createdAt: new Date().toISOString(),
        });
        const token = await accessToken({ org_id: orgId });
        expect((await handler(authorizerEvent(ROUTES.createProduct, { token }))).context).toMatchObject({ orgId });
      }
      // The table is the registry: a token for an organization it does not hold is refused.
      const ghost = await accessToken({ org_id: crypto.randomUUID() });
      expect(await handler(authorizerEvent(ROUTES.createProduct, { token: ghost }))).toEqual(refusedWith('ORG_NOT_REGISTERED'));
      expect((await handler(authorizerEvent(ROUTES.verifyCode, { origin: 'nope' }))).isAuthorized).toBe(false);
      expect((await handler(authorizerEvent(ROUTES.verifyCode, { origin: 'previous-value' }))).isAuthorized).toBe(true);
      expect(jwksFetches).toBe(1);
      // Current and previous, once for the container (until the 5-minute refresh).
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      for (const key of ['TOKEN_ISSUER', 'TOKEN_JWKS_URL', 'ORIGIN_VERIFY_SECRET_ID']) delete process.env[key];
    }
  });

  it("remembers a person's current membership for MEMBERSHIP_CACHE_SECONDS, then sees the removal", async () => {
    Object.assign(process.env, {
      TOKEN_ISSUERS: JSON.stringify([{ issuer: ISSUER, jwksUrl }]),
      ORIGIN_VERIFY_VALUE: ORIGIN_SECRET,
      MEMBERSHIP_CACHE_SECONDS: '60',
    });
    // Only the clock is fake: the JWKS and DynamoDB Local still answer over real sockets.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const { handler } = await import('../../functions/authorize-request/handler');
      const orgId = crypto.randomUUID();
      await createOrganization({
        id: orgId,
        name: 'Cached Factory',
        role: 'factory',
        region: 'CN-ZJ Ningbo',
        licenseNumber: `LIC-CACHE-${orgId.slice(0, 8)}`,
        createdAt: new Date().toISOString(),
      });
      const userId = crypto.randomUUID();
      await createMember({
        userId,
        orgId,
        role: 'factory',
        email: 'cached@example.com',
        name: 'Cached Person',
        orgAdmin: false,
        status: 'active',
        createdAt: new Date().toISOString(),
      });
      const token = await accessToken({ org_id: orgId, sub: userId, client_id: 'console-client' });
      const call = () => handler(authorizerEvent(ROUTES.createProduct, { token }));
      expect((await call()).context).toMatchObject({ actorKind: 'person', userId, userName: 'Cached Person' });

      const member = await getMember(orgId, userId);
      if (member === undefined) throw new Error('no membership');
      await markMemberRemoved(member, new Date());
      // Within the window this container still remembers the membership...
      vi.setSystemTime(Date.now() + 59_000);
      expect((await call()).isAuthorized).toBe(true);
      expect((await call()).context).not.toHaveProperty('refused');
      // ...and past it reads the removal.
      vi.setSystemTime(Date.now() + 2_000);
      expect(await call()).toEqual(refusedWith('USER_REMOVED'));
    } finally {
      vi.useRealTimers();
      for (const key of ['TOKEN_ISSUERS', 'ORIGIN_VERIFY_VALUE', 'MEMBERSHIP_CACHE_SECONDS']) delete process.env[key];
    }
  });
});
