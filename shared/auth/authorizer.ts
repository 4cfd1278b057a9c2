import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ROLES, type Role } from '#shared/domain/types';
import { ALL_ROUTES, type RouteDefinition, routeKeysOf } from '#shared/http/routes';
import { logger } from '#shared/logger';
import { scopeForRole } from './principal';

/**
 * The API's one authorizer (an API Gateway HTTP API Lambda authorizer, simple responses).
 * It replaces the JWT authorizer, whose audience list held at most 50 app clients: a token
 * is accepted for what it says (issuer, signature by a key of the pool's JWKS, expiry,
 * `token_use`, one role scope, `org_id`), never for which client asked for it, so the
 * thousandth organization needs no change to the API.
 *
 * API Gateway caches each answer by the identity sources, which are the origin-verify
 * header (public routes) and additionally the Authorization header and `$context.routeKey`
 * (private routes): the route is part of the key, so an answer about the role a route
 * needs is never reused for another route.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** What the authorizer hands to the integration, as `requestContext.authorizer.lambda`. */
export interface AuthorizerContext {
  orgId: string;
  role: Role;
  clientId: string;
  /** Token expiry (epoch seconds): API Gateway may replay a cached answer after it. */
  expiresAt: number;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext | Record<string, never>>;

export interface AuthorizerDependencies {
  /** The token issuer, exactly as in the `iss` claim (Cognito: `https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
  issuer: string;
  /** The issuer's signing keys (jose `createRemoteJWKSet`, module-scoped so it is fetched once per container). */
  keys: JWTVerifyGetKey;
  /**
   * The values CloudFront may send in the origin-verify header: the current one, and while
   * a new value is being rolled out the previous one too.
   */
  originVerifyValues: () => Promise<readonly string[]>;
  now?: () => Date;
}

/** An organization id as the registry mints them (UUIDs) and operators name them (`bootstrap-admin`). */
const ORG_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
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

class Refused extends Error {}

/** The principal a verified access token names, or Refused with the reason (logged, never returned). */
export const verifyAccessToken = async (
  token: string,
  { issuer, keys, now = () => new Date() }: Pick<AuthorizerDependencies, 'issuer' | 'keys' | 'now'>,
): Promise<AuthorizerContext> => {
  const { payload } = await jwtVerify(token, keys, {
    issuer,
    algorithms: ALGORITHMS,
    // jose accepts a token without exp unless told otherwise: such a token would never expire.
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: now(),
  });
  if (payload.token_use !== 'access') throw new Refused('token_use is not access');
  if (typeof payload.client_id !== 'string' || payload.client_id === '') throw new Refused('no client_id');
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const roles = ROLES.filter((role) => scopes.includes(scopeForRole(role)));
  const [role] = roles;
  if (role === undefined || roles.length !== 1) throw new Refused('not exactly one role scope');
  const orgId = payload.org_id;
  if (typeof orgId !== 'string' || !ORG_ID_PATTERN.test(orgId)) throw new Refused('no valid org_id');
  if (typeof payload.exp !== 'number') throw new Refused('no exp');
  return { orgId, role, clientId: payload.client_id, expiresAt: payload.exp };
};

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

    const token = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(headerOf(event, 'authorization') ?? '')?.[1];
    if (token === undefined) return DENY;
    try {
      const principal = await verifyAccessToken(token, dependencies);
      if (!route.auth.includes(principal.role)) {
        logger.warn('authorizer: role not allowed on route', {
          routeKey: event.routeKey,
          role: principal.role,
          orgId: principal.orgId,
        });
        return DENY;
      }
      return { isAuthorized: true, context: principal };
    } catch (error) {
      // The reason is for the operator; the caller learns only that it was refused.
      logger.warn('authorizer: token refused', {
        routeKey: event.routeKey,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return DENY;
    }
  };
