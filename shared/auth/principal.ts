import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Role } from '../domain/types';
import { ForbiddenError, UnauthorizedError } from '../errors';

/**
 * Who is calling, read from the claims API Gateway's JWT authorizer has already checked.
 * Tokens are Cognito client-credentials access tokens (one app client per organization):
 * the role is the OAuth scope `traceseal/{role}` and the organization is the `org_id`
 * claim, which the pre-token-generation trigger adds (the local issuer mints the same).
 */
export const SCOPE_PREFIX = 'traceseal/';
export const scopeForRole = (role: Role): string => `${SCOPE_PREFIX}${role}`;

export interface Principal {
  orgId: string;
  role: Role;
  clientId: string;
}

type ClaimValue = string | number | boolean | string[] | undefined;

const claimsOf = (event: APIGatewayProxyEventV2): Record<string, ClaimValue> | undefined => {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, ClaimValue> } } })
    .authorizer;
  return authorizer?.jwt?.claims;
};

export const principalFromEvent = (event: APIGatewayProxyEventV2): Principal => {
  const claims = claimsOf(event);
  if (claims === undefined) throw new UnauthorizedError();
  const orgId = claims.org_id;
  const clientId = claims.client_id ?? claims.sub;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  const roles = ROLES.filter((role) => scopes.includes(scopeForRole(role)));
  const role = roles[0];
  if (typeof orgId !== 'string' || orgId === '' || role === undefined || roles.length !== 1) {
    throw new ForbiddenError('INVALID_TOKEN_CLAIMS', 'The token must carry one organization and exactly one role');
  }
  return { orgId, role, clientId: String(clientId ?? '') };
};

export const requireRole = (principal: Principal, allowed: readonly Role[]): void => {
  if (!allowed.includes(principal.role)) {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', `This operation needs one of the roles: ${allowed.join(', ')}`);
  }
};
