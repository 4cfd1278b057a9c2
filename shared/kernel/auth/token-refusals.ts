import { type AppError, ForbiddenError, UnauthorizedError } from '../errors';
import type { Role } from '../roles';

/**
 * Why a caller's token was refused, each with its stable code and status. The authorizer
 * names the reason (API Gateway's own deny can carry no body), and the handler's first
 * middleware answers it in the documented error shape: so a caller learns what to fix,
 * in AWS as locally.
 *
 * 401: the token does not prove who is calling (get a valid one); 403: it does, and that
 * caller may not do this.
 */
export const TOKEN_REFUSALS = {
  MISSING_TOKEN: { status: 401, message: 'A bearer token is required: send Authorization: Bearer <token>' },
  MALFORMED_TOKEN: { status: 401, message: 'The bearer token is not a well-formed signed JWT' },
  TOKEN_EXPIRED: { status: 401, message: 'The token has expired: get a new one' },
  UNKNOWN_SIGNING_KEY: {
    status: 401,
    message:
      "The token is not signed by a key of this service's issuer: was it made for another deployment, or locally with another DATA_DIR?",
  },
  INVALID_TOKEN: {
    status: 401,
    message: "The token was not issued by this service's issuer, or lacks a valid exp, nbf or iat",
  },
  INVALID_TOKEN_CLAIMS: {
    status: 403,
    message: 'The token must be an access token with one organization (org_id) and exactly one role scope',
  },
  ROLE_NOT_ALLOWED: { status: 403, message: "This operation is not allowed for the token's role" },
  ORG_NOT_REGISTERED: {
    status: 403,
    message: "The token's organization is not registered with this service in the token's role",
  },
  USER_REMOVED: {
    status: 403,
    message: "The person this token was issued to is not (or no longer) a member of the token's organization in its role",
  },
} as const satisfies Record<string, { status: 401 | 403; message: string }>;

export type TokenRefusal = keyof typeof TOKEN_REFUSALS;

export const isTokenRefusal = (value: unknown): value is TokenRefusal =>
  typeof value === 'string' && Object.hasOwn(TOKEN_REFUSALS, value);

/** The error a refusal is answered with; a role refusal names the roles the route takes. */
export const tokenRefusalError = (refusal: TokenRefusal, allowedRoles?: readonly Role[]): AppError => {
  const { status, message } = TOKEN_REFUSALS[refusal];
  if (status === 401) return new UnauthorizedError(message, refusal);
  if (refusal === 'ROLE_NOT_ALLOWED' && allowedRoles !== undefined) {
    return new ForbiddenError(refusal, `This operation needs one of the roles: ${allowedRoles.join(', ')}`);
  }
  return new ForbiddenError(refusal, message);
};
