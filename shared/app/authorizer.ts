import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { decodeJwt, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { scopeForRole } from '#kernel/auth/principal';
import type { TokenRefusal } from '#kernel/auth/token-refusals';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { logger } from '#kernel/logger';
import { ROLES, type Role } from '#kernel/roles';
import { ALL_ROUTES, routeKeysOf } from './routes';

/**
 * The API's one authorizer (an API Gateway HTTP API Lambda authorizer, simple responses).
 * It replaces the JWT authorizer, whose audience list held at most 50 app clients: a token
 * is accepted for what it says (issuer, signature by a key of the pool's JWKS, expiry,
 * `token_use`, one role scope, `org_id`), never for which client asked for it, so the
 * thousandth organization needs no change to the API.
 *
 * A person's token (the console's sign-in: `sub` is the user, not the client) must also
 * name a current membership: the person belongs to the token's organization, in the
 * token's role, and was not removed. One GetItem of the membership, which the function
 * remembers briefly per container (functions/authorize-request), as it remembers organizations.
 *
 * API Gateway caches each answer by the identity sources, which are the origin-verify
 * header (public routes) and additionally the Authorization header and `$context.routeKey`
 * (private routes): the route is part of the key, so an answer about the role a route
 * needs is never reused for another route.
 *
 * A token it refuses is still let through, with a context that holds only the reason
 * (`{ refused }`, no organization, no role): API Gateway's deny is a bare 403 that cannot
 * say why, and the handler's first middleware (shared/kernel/http/middleware.ts `authorize`)
 * answers the reason as a 401 or 403 in the documented error shape before anything else of
 * the function runs. Requests that bypass CloudFront, and unknown routes, are still denied
 * at the gateway: no legitimate caller meets those.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * What the authorizer hands to the integration, as `requestContext.authorizer.lambda`: flat,
 * since API Gateway takes only strings, numbers and booleans there.
 */
export interface AuthorizerContext {
  orgId: string;
  role: Role;
  clientId: string;
  /** Token expiry (epoch seconds): API Gateway may replay a cached answer after it. */
  expiresAt: number;
  /** Who acted (shared/kernel/auth/principal.ts `Actor`): a person or an API client. */
  actorKind: 'person' | 'client';
  /** A person's: its user id (the token's `sub`), name, and whether it is an org admin. */
  userId?: string;
  userName?: string;
  orgAdmin?: boolean;
}

/** A current membership, as the authorizer needs it. */
export interface CurrentMembership {
  role: Role;
  name: string;
  orgAdmin: boolean;
}

/** An issuer whose access tokens the API takes, with its signing keys. */
export interface TrustedIssuer {
  /** Exactly as in the `iss` claim (Cognito: `https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
  issuer: string;
  /** Its signing keys (jose `createRemoteJWKSet`, module-scoped so they are fetched once per container). */
  keys: JWTVerifyGetKey;
}

/** A refused token: the reason only (shared/kernel/auth/token-refusals.ts). */
export interface RefusedContext {
  refused: TokenRefusal;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  AuthorizerContext | RefusedContext | Record<string, never>
>;

/**
 * Stands for "no Authorization header" where one must be present: API Gateway answers a
 * request that lacks an identity source with its own bare 401 without calling the
 * authorizer, so CloudFront's viewer-request function (infra/cloudfront/api-request.ts),
 * and the local gateway in its place, send this instead, and the authorizer answers it as
 * MISSING_TOKEN. A caller who sends it itself gets just that.
 */
export const ABSENT_AUTHORIZATION = 'None';

export interface AuthorizerDependencies {
  /**
   * The issuers taken: in AWS the user pool only (machine clients and people alike); locally
   * the local issuer (`npm run token`) and the local OpenID provider (people).
   */
  issuers: readonly TrustedIssuer[];
  /**
   * The values CloudFront may send in the origin-verify header: the current one, and while
   * a new value is being rolled out the previous one too.
   */
  originVerifyValues: () => Promise<readonly string[]>;
  /**
   * The role an organization is registered in, or undefined if it is not registered. The
   * authorizer's answer is cached per token and route, so this runs at most once per token,
   * route and cache period (and the handler keeps its own short cache).
   */
  organizationRole: (orgId: string) => Promise<Role | undefined>;
  /** A person's current membership of the organization, or undefined (never one, or removed). */
  membership: (orgId: string, userId: string) => Promise<CurrentMembership | undefined>;
  now?: () => Date;
}

/** An organization id as the registry mints them (UUIDs) and operators name them (`bootstrap-admin`). */
export const ORG_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Cognito signs access tokens RS256; the local issuer ES256. Never `none` or an HMAC. */
const ALGORITHMS = ['RS256', 'ES256'];
/** Seconds of clock difference tolerated between Cognito and Lambda. */
const CLOCK_TOLERANCE_SECONDS = 5;

const ROUTES_BY_KEY = new Map<string, RouteDefinition>(
  ALL_ROUTES.flatMap((route) => routeKeysOf(route).map((key): [string, RouteDefinition] => [key, route])),
);

const DENY: AuthorizerResult = { isAuthorized: false, context: {} };

const sameSecret = (given: string | undefined, expected: string): boolean => {
  if (given === undefined || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const headerOf = (event: APIGatewayRequestAuthorizerEventV2, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
};

class Refused extends Error {
  public constructor(
    public readonly refusal: TokenRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why jose refused a token, as a caller can act on it. Anything else (the JWKS could not be
 * fetched, a bug) is not the token's fault: it is thrown, so API Gateway answers 500 and
 * caches nothing, rather than caching a refusal of a good token for five minutes.
 */
const refusalOf = (error: unknown): TokenRefusal | undefined => {
  if (error instanceof Refused) return error.refusal;
  if (error instanceof joseErrors.JWTExpired) return 'TOKEN_EXPIRED';
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return 'UNKNOWN_SIGNING_KEY';
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'INVALID_TOKEN';
  // Failing to get the key set is ours; every other jose complaint is about the token's form.
  const keySetFailure =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
  if (error instanceof joseErrors.JOSEError && !keySetFailure) return 'MALFORMED_TOKEN';
  return undefined;
};

/**
 * The trusted issuer the token names. A token naming none is checked against the first, so
 * it is refused for its signature or its issuer exactly as with a single issuer.
 */
const issuerFor = (token: string, issuers: readonly TrustedIssuer[]): TrustedIssuer => {
  const { iss } = decodeJwt(token);
  const named = issuers.find((candidate) => candidate.issuer === iss) ?? issuers[0];
  if (named === undefined) throw new Error('The authorizer trusts no issuer');
  return named;
};

/** The principal a verified access token names, or Refused with the reason. */
export const verifyAccessToken = async (
  token: string,
  { issuers, now = () => new Date() }: Pick<AuthorizerDependencies, 'issuers' | 'now'>,
): Promise<AuthorizerContext> => {
  const { issuer, keys } = issuerFor(token, issuers);
  const { payload } = await jwtVerify(token, keys, {
    issuer,
    algorithms: ALGORITHMS,
    // jose accepts a token without exp unless told otherwise: such a token would never expire.
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: now(),
  });
  const claims = (reason: string) => new Refused('INVALID_TOKEN_CLAIMS', reason);
  if (payload.token_use !== 'access') throw claims('token_use is not access');
  if (typeof payload.client_id !== 'string' || payload.client_id === '') throw claims('no client_id');
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const roles = ROLES.filter((role) => scopes.includes(scopeForRole(role)));
  const [role] = roles;
  if (role === undefined || roles.length !== 1) throw claims('not exactly one role scope');
  const orgId = payload.org_id;
  if (typeof orgId !== 'string' || !ORG_ID_PATTERN.test(orgId)) throw claims('no valid org_id');
  if (typeof payload.exp !== 'number') throw new Refused('INVALID_TOKEN', 'no exp');
  const principal = { orgId, role, clientId: payload.client_id, expiresAt: payload.exp };
  // A client-credentials token's subject is its client; a person's is the person.
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub === payload.client_id) {
    return { ...principal, actorKind: 'client' };
  }
  return { ...principal, actorKind: 'person', userId: payload.sub };
};

const refuse = (refusal: TokenRefusal): AuthorizerResult => ({ isAuthorized: true, context: { refused: refusal } });

/**
 * An operator's admin token names the operator (the stack's bootstrap admin client, org_id
 * `bootstrap-admin`), which is not an organization of the registry: it is not looked up.
 * Every other role's organization must be registered, in that role.
 */
export const isRegistryRole = (role: Role): boolean => role !== 'admin';

export const createAuthorizer =
  (dependencies: AuthorizerDependencies) =>
  async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
    const route = ROUTES_BY_KEY.get(event.routeKey);
    if (route === undefined) {
      logger.warn('authorizer: unknown route', { routeKey: event.routeKey });
      return DENY;
    }
    // Anyone who reaches the API without passing through CloudFront (and its WAF and cache)
    // is refused, on every route.
    const given = headerOf(event, ORIGIN_VERIFY_HEADER);
    if (!(await dependencies.originVerifyValues()).some((expected) => sameSecret(given, expected))) {
      logger.warn('authorizer: request did not come through the CDN', { routeKey: event.routeKey });
      return DENY;
    }
    if (route.auth === 'public') return { isAuthorized: true, context: {} };

    const authorization = (headerOf(event, 'authorization') ?? '').trim();
    if (authorization === '' || authorization === ABSENT_AUTHORIZATION) return refuse('MISSING_TOKEN');
    const token = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(authorization)?.[1];
    if (token === undefined) return refuse('MALFORMED_TOKEN');
    let principal: AuthorizerContext;
    try {
      principal = await verifyAccessToken(token, dependencies);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      logger.warn('authorizer: token refused', {
        routeKey: event.routeKey,
        refusal,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return refuse(refusal);
    }
    if (!route.auth.includes(principal.role)) {
      logger.warn('authorizer: role not allowed on route', {
        routeKey: event.routeKey,
        role: principal.role,
        orgId: principal.orgId,
      });
      return refuse('ROLE_NOT_ALLOWED');
    }
    // Only a token the issuer signed gets this far, so the answer tells nothing to a
    // caller who could not already name the organization with a valid token.
    if (isRegistryRole(principal.role) && (await dependencies.organizationRole(principal.orgId)) !== principal.role) {
      logger.warn('authorizer: organization not registered in the role', { orgId: principal.orgId, role: principal.role });
      return refuse('ORG_NOT_REGISTERED');
    }
    if (principal.actorKind === 'person') {
      const member = await dependencies.membership(principal.orgId, principal.userId ?? '');
      if (member?.role !== principal.role) {
        logger.warn('authorizer: person is not a current member', { orgId: principal.orgId, userId: principal.userId });
        return refuse('USER_REMOVED');
      }
      return { isAuthorized: true, context: { ...principal, userName: member.name, orgAdmin: member.orgAdmin } };
    }
    return { isAuthorized: true, context: principal };
  };
