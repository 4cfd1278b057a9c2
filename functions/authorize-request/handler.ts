import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { getOptionalStringFromEnv, getStringFromEnv } from '#kernel/config';
import type { Role } from '#kernel/roles';
import { getMember, getOrganization, isCurrentMember } from '#registry';
import { type AuthorizerResult, type CurrentMembership, createAuthorizer, type TrustedIssuer } from '#shared/app/authorizer';

/**
 * The HTTP API's Lambda authorizer. Configuration (set by the stack, or by the local runtime
 * against its local issuer):
 * - TOKEN_ISSUER: the `iss` of accepted tokens (the Cognito user pool's provider URL);
 * - TOKEN_JWKS_URL: where its keys are (default `{TOKEN_ISSUER}/.well-known/jwks.json`);
 * - or TOKEN_ISSUERS instead (local runtime: the local issuer and the local OpenID
 *   provider), a JSON list of `{"issuer","jwksUrl"}`;
 * - MEMBERSHIP_CACHE_SECONDS: how long a person's current membership is remembered (default 60);
 * - ORIGIN_VERIFY_SECRET_ID (AWS): the secret CloudFront sends as the origin-verify header,
 *   or ORIGIN_VERIFY_VALUE (local runtime only, where the gateway plays CloudFront);
 * - TABLE_NAME: the table whose organization and membership items (read only) say which
 *   organizations are registered, in which role, and who belongs to them.
 */

/** A changed secret reaches warm containers within this time. */
const SECRET_TTL_MS = 5 * 60_000;

let secrets: SecretsManagerClient | undefined;
let cachedSecret: { id: string; value: Promise<string[]>; until: number } | undefined;

const readStage = async (secretId: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> => {
  try {
    const { SecretString } = await (secrets ??= new SecretsManagerClient({})).send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
    );
    return SecretString === '' ? undefined : SecretString;
  } catch (error) {
    // A secret that was never changed has no previous version.
    if (stage === 'AWSPREVIOUS' && error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

/**
 * The current value and the previous one: after `put-secret-value` the authorizers accept
 * both until CloudFront, redeployed, sends the new one, so a change never locks it out.
 */
const readOriginVerifySecret = (secretId: string): Promise<string[]> => {
  const now = Date.now();
  if (cachedSecret?.id === secretId && cachedSecret.until > now) return cachedSecret.value;
  const value = Promise.all([readStage(secretId, 'AWSCURRENT'), readStage(secretId, 'AWSPREVIOUS')]).then(
    ([current, previous]) => {
      if (current === undefined) throw new Error('The origin-verify secret is empty');
      return previous === undefined ? [current] : [current, previous];
    },
  );
  cachedSecret = { id: secretId, value, until: now + SECRET_TTL_MS };
  // A failed read must not be cached for five minutes.
  value.catch(() => {
    if (cachedSecret?.value === value) cachedSecret = undefined;
  });
  return value;
};

/** A registered organization is remembered this long; one not (yet) registered is not remembered. */
const ORGANIZATION_TTL_MS = 5 * 60_000;
const MAX_REMEMBERED_ORGANIZATIONS = 10_000;

/**
 * Registered organizations' roles, for the container's life. Organizations are never
 * deleted and never change role, so a remembered answer stays true; an unknown one is
 * asked again each time, so an organization registered a moment ago gets in at once.
 */
const organizationRoles = (): ((orgId: string) => Promise<Role | undefined>) => {
  const remembered = new Map<string, { role: Role; until: number }>();
  return async (orgId) => {
    const now = Date.now();
    const hit = remembered.get(orgId);
    if (hit !== undefined && hit.until > now) return hit.role;
    const role = (await getOrganization(orgId))?.role;
    if (role !== undefined) {
      if (remembered.size >= MAX_REMEMBERED_ORGANIZATIONS) remembered.clear();
      remembered.set(orgId, { role, until: now + ORGANIZATION_TTL_MS });
    }
    return role;
  };
};

const DEFAULT_MEMBERSHIP_CACHE_SECONDS = 60;

/**
 * People's current memberships, remembered briefly: a removal reaches this container within
 * MEMBERSHIP_CACHE_SECONDS (and API Gateway's answer cache, 5 minutes per token and route,
 * on top). Only a current membership is remembered, so one made a moment ago gets in at once.
 */
const memberships = (ttlMs: number): ((orgId: string, userId: string) => Promise<CurrentMembership | undefined>) => {
  const remembered = new Map<string, { membership: CurrentMembership; until: number }>();
  return async (orgId, userId) => {
    const key = `${orgId}\n${userId}`;
    const now = Date.now();
    const hit = remembered.get(key);
    if (hit !== undefined && hit.until > now) return hit.membership;
    remembered.delete(key);
    const member = await getMember(orgId, userId);
    if (member === undefined || !isCurrentMember(member, orgId, member.role)) return undefined;
    const membership = { role: member.role, name: member.name, orgAdmin: member.orgAdmin };
    if (ttlMs > 0) {
      if (remembered.size >= MAX_REMEMBERED_ORGANIZATIONS) remembered.clear();
      remembered.set(key, { membership, until: now + ttlMs });
    }
    return membership;
  };
};

/** The trusted issuers the configuration names, as URLs of their key sets. */
const configuredIssuers = (): { issuer: string; jwksUrl: string }[] => {
  const list = getOptionalStringFromEnv('TOKEN_ISSUERS');
  if (list !== undefined) {
    const parsed = JSON.parse(list) as unknown;
    if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('TOKEN_ISSUERS must be a non-empty JSON list');
    return parsed.map((entry: { issuer?: unknown; jwksUrl?: unknown }) => {
      if (typeof entry.issuer !== 'string' || typeof entry.jwksUrl !== 'string') {
        throw new Error('Each TOKEN_ISSUERS entry needs issuer and jwksUrl');
      }
      return { issuer: entry.issuer, jwksUrl: entry.jwksUrl };
    });
  }
  const issuer = getStringFromEnv({ key: 'TOKEN_ISSUER' });
  return [{ issuer, jwksUrl: getStringFromEnv({ key: 'TOKEN_JWKS_URL', defaultValue: `${issuer}/.well-known/jwks.json` }) }];
};

let current: { key: string; authorize: ReturnType<typeof createAuthorizer> } | undefined;

/** Built on first use (and again if the configuration changes), kept for the container's life. */
const authorizer = (): ReturnType<typeof createAuthorizer> => {
  const issuers = configuredIssuers();
  const membershipSeconds = Number(
    getStringFromEnv({ key: 'MEMBERSHIP_CACHE_SECONDS', defaultValue: String(DEFAULT_MEMBERSHIP_CACHE_SECONDS) }),
  );
  if (!Number.isFinite(membershipSeconds) || membershipSeconds < 0) throw new Error('MEMBERSHIP_CACHE_SECONDS must be 0 or more');
  const secretId = getOptionalStringFromEnv('ORIGIN_VERIFY_SECRET_ID');
  const localValue = getOptionalStringFromEnv('ORIGIN_VERIFY_VALUE');
  if ((secretId === undefined) === (localValue === undefined)) {
    throw new Error('Set exactly one of ORIGIN_VERIFY_SECRET_ID and ORIGIN_VERIFY_VALUE');
  }
  const tableName = getStringFromEnv({ key: 'TABLE_NAME' });
  const key = JSON.stringify([issuers, membershipSeconds, secretId, localValue, tableName]);
  if (current?.key !== key) {
    current = {
      key,
      authorize: createAuthorizer({
        // jose keeps each key set in memory and refetches it at most every 30 s, and only
        // for a key id it does not know (a Cognito key rotation).
        issuers: issuers.map(({ issuer, jwksUrl }): TrustedIssuer => ({ issuer, keys: createRemoteJWKSet(new URL(jwksUrl)) })),
        originVerifyValues: secretId === undefined ? async () => [localValue ?? ''] : () => readOriginVerifySecret(secretId),
        organizationRole: organizationRoles(),
        membership: memberships(membershipSeconds * 1000),
      }),
    };
  }
  return current.authorize;
};

export const handler = (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => authorizer()(event);
