import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Role } from '#shared/domain/types';
import { ForbiddenError, UnauthorizedError } from '#shared/errors';

/**
 * Who is calling, as the API's Lambda authorizer (shared/auth/authorizer.ts) verified it:
 * API Gateway hands its context to the function as `requestContext.authorizer.lambda`.
 * Tokens are Cognito client-credentials access tokens (one app client per organization):
 * the role is the OAuth scope `traceseal/{role}` and the organization the `org_id` claim,
 * which the pre-token-generation trigger adds (the local issuer mints the same). The
 * handlers check role and organization again: the authorizer is not their only guard.
 */
export const SCOPE_PREFIX = 'traceseal/';
export const scopeForRole = (role: Role): string => `${SCOPE_PREFIX}${role}`;

export interface Principal {
  orgId: string;
  role: Role;
  clientId: string;
}

const authorizerContextOf = (event: APIGatewayProxyEventV2): Record<string, unknown> | undefined => {
  const authorizer = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer;
  return authorizer?.lambda;
};

export const principalFromEvent = (event: APIGatewayProxyEventV2, now = new Date()): Principal => {
  const context = authorizerContextOf(event);
  if (context === undefined) throw new UnauthorizedError();
  const { orgId, role, clientId, expiresAt } = context;
  if (typeof orgId !== 'string' || orgId === '' || !ROLES.includes(role as Role)) {
    throw new ForbiddenError('INVALID_TOKEN_CLAIMS', 'The token must carry one organization and exactly one role');
  }
  // API Gateway may answer from its authorizer cache after the token expired.
  const expiry = typeof expiresAt === 'string' ? Number(expiresAt) : expiresAt;
  if (typeof expiry !== 'number' || !Number.isFinite(expiry) || expiry * 1000 <= now.getTime()) throw new UnauthorizedError();
  return { orgId, role: role as Role, clientId: typeof clientId === 'string' ? clientId : '' };
};

export const requireRole = (principal: Principal, allowed: readonly Role[]): void => {
  if (!allowed.includes(principal.role)) {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', `This operation needs one of the roles: ${allowed.join(', ')}`);
  }
};
