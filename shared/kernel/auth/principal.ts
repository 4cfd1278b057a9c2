import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Role } from '../roles';
import { isTokenRefusal, tokenRefusalError } from './token-refusals';

/**
 * Who is calling, as the API's Lambda authorizer (shared/app/authorizer.ts) verified it:
 * API Gateway hands its context to the function as `requestContext.authorizer.lambda`.
 * Tokens are Cognito access tokens: an organization's API client's (client credentials, one
 * app client per organization) or a person's (the console's sign-in, code + PKCE). Either
 * way the role is the OAuth scope `traceseal/{role}` and the organization the `org_id`
 * claim, which the pre-token-generation trigger adds (locally the local issuer and the
 * local OpenID provider mint the same). The handlers check role and organization again:
 * the authorizer is not their only guard.
 *
 * A token the authorizer refused reaches the handler as a context holding only `refused`
 * (its reason, token-refusals.ts) and no organization or role: reading a principal from it
 * throws that refusal, so nothing of the handler runs for it.
 */
export const SCOPE_PREFIX = 'traceseal/';
export const scopeForRole = (role: Role): string => `${SCOPE_PREFIX}${role}`;

/** Who acted: a person of the organization (its membership checked by the authorizer), or one of its API clients. */
export type Actor = { kind: 'person'; userId: string; name: string; orgAdmin: boolean } | { kind: 'client'; clientId: string };

export interface Principal {
  orgId: string;
  role: Role;
  clientId: string;
  /**
   * Set on every principal read from a request; absent only on the principals the service
   * makes for itself (the seed, a job worker going on with a caller's job).
   */
  actor?: Actor;
}

/** Whether the caller is a person who administers its organization's people (never an API client). */
export const isOrgAdmin = (principal: Principal): boolean => principal.actor?.kind === 'person' && principal.actor.orgAdmin;

const actorOf = (context: Record<string, unknown>, clientId: string): Actor => {
  const { actorKind, userId, userName, orgAdmin } = context;
  if (actorKind !== 'person') return { kind: 'client', clientId };
  if (typeof userId !== 'string' || userId === '') throw tokenRefusalError('INVALID_TOKEN_CLAIMS');
  return {
    kind: 'person',
    userId,
    name: typeof userName === 'string' ? userName : '',
    // API Gateway may hand context values on as strings.
    orgAdmin: orgAdmin === true || orgAdmin === 'true',
  };
};

const authorizerContextOf = (event: APIGatewayProxyEventV2): Record<string, unknown> | undefined => {
  const authorizer = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer;
  return authorizer?.lambda;
};

/** `allowedRoles`: the route's, named in a role refusal. */
export const principalFromEvent = (
  event: APIGatewayProxyEventV2,
  allowedRoles?: readonly Role[],
  now = new Date(),
): Principal => {
  const context = authorizerContextOf(event);
  if (context === undefined) throw tokenRefusalError('MISSING_TOKEN');
  const { refused, orgId, role, clientId, expiresAt } = context;
  if (refused !== undefined) {
    // Anything but a known reason is still a refusal, never a pass.
    throw tokenRefusalError(isTokenRefusal(refused) ? refused : 'INVALID_TOKEN_CLAIMS', allowedRoles);
  }
  if (typeof orgId !== 'string' || orgId === '' || !ROLES.includes(role as Role)) throw tokenRefusalError('INVALID_TOKEN_CLAIMS');
  // API Gateway may answer from its authorizer cache after the token expired.
  const expiry = typeof expiresAt === 'string' ? Number(expiresAt) : expiresAt;
  if (typeof expiry !== 'number' || !Number.isFinite(expiry) || expiry * 1000 <= now.getTime()) {
    throw tokenRefusalError('TOKEN_EXPIRED');
  }
  const client = typeof clientId === 'string' ? clientId : '';
  return { orgId, role: role as Role, clientId: client, actor: actorOf(context, client) };
};

export const requireRole = (principal: Principal, allowed: readonly Role[]): void => {
  if (!allowed.includes(principal.role)) throw tokenRefusalError('ROLE_NOT_ALLOWED', allowed);
};
