import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JWK,
  SignJWT,
} from 'jose';
import { scopeForRole } from '#kernel/auth/principal';
import { ROLES, type Role } from '#kernel/roles';

/**
 * Stands in for the Cognito user pool: it mints client-credentials-style access tokens
 * (token_use, client_id, scope, org_id, exp) and publishes its public key as a JWKS, which
 * the local gateway serves so that the real Lambda authorizer (functions/authorize-request) checks
 * local tokens exactly as it checks Cognito's: signature, issuer, expiry (a token without
 * `exp` is refused), token_use, one role scope and org_id.
 */
export const LOCAL_ISSUER = 'http://localhost/traceseal-local-issuer';
/** Under DATA_DIR, mode 0600. */
export const LOCAL_ISSUER_KEY_FILE = 'local-issuer-key.pem';
/** Where the local gateway serves the issuer's JWKS (in AWS, Cognito serves the pool's). */
export const LOCAL_ISSUER_JWKS_PATH = '/local-issuer/.well-known/jwks.json';
export const LOCAL_ISSUER_ALG = 'ES256';

/** Longest token `npm run token` mints: a leaked local token should not live for weeks. */
const MAX_TTL_SECONDS = 86_400;

export interface LocalIssuer {
  issueToken(input: { orgId: string; role: Role; ttlSeconds?: number }): Promise<string>;
  /** The public key set the authorizer verifies tokens against. */
  jwks(): { keys: JWK[] };
}

/** The issuer's key, made on first use; `fileName` names another key (the local OpenID provider's). */
export const loadLocalIssuerKey = async (dataDir: string, fileName = LOCAL_ISSUER_KEY_FILE): Promise<CryptoKey> => {
  const file = join(dataDir, fileName);
  try {
    return await importPKCS8(await readFile(file, 'utf8'), LOCAL_ISSUER_ALG, { extractable: true });
  } catch {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair(LOCAL_ISSUER_ALG, { extractable: true });
    // 'wx': two processes starting at once must not overwrite each other's key.
    await writeFile(file, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return importPKCS8(await readFile(file, 'utf8'), LOCAL_ISSUER_ALG, { extractable: true });
  }
};

export const localClientId = (orgId: string): string => `local-${orgId}`;

export const createLocalIssuer = async (dataDir: string): Promise<LocalIssuer> => {
  const privateKey = await loadLocalIssuerKey(dataDir);
  const { d: _private, ...publicJwk } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: LOCAL_ISSUER_ALG, use: 'sig' }] };
  return {
    async issueToken({ orgId, role, ttlSeconds = 3600 }) {
      if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
        throw new Error(`ttlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}`);
      }
      const clientId = localClientId(orgId);
      return new SignJWT({ token_use: 'access', client_id: clientId, scope: scopeForRole(role), org_id: orgId })
        .setProtectedHeader({ alg: LOCAL_ISSUER_ALG, typ: 'JWT', kid })
        .setIssuer(LOCAL_ISSUER)
        .setSubject(clientId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    },
    jwks: () => structuredClone(jwks),
  };
};
