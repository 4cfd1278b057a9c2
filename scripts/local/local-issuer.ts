import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, importJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { scopeForRole } from '../../shared/auth/principal';
import { ROLES, type Role } from '../../shared/domain/types';

/**
 * Stands in for the Cognito user pool: it mints client-credentials-style access tokens
 * (token_use, client_id, scope, org_id) and verifies them the way API Gateway's JWT
 * authorizer does (signature, issuer, audience = client id, expiry).
 */
export const LOCAL_ISSUER = 'http://localhost/traceseal-local-issuer';
const KEY_FILE = 'local-issuer-key.pem';
const ALG = 'ES256';

export interface LocalIssuer {
  issueToken(input: { orgId: string; role: Role; ttlSeconds?: number }): Promise<string>;
  /** Claims as API Gateway hands them to the Lambda, or undefined for a bad token. */
  verify(token: string): Promise<Record<string, string> | undefined>;
}

const loadOrCreateKey = async (dataDir: string) => {
  const file = join(dataDir, KEY_FILE);
  try {
    return await importPKCS8(await readFile(file, 'utf8'), ALG, { extractable: true });
  } catch {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    // 'wx': two processes starting at once must not overwrite each other's key.
    await writeFile(file, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return importPKCS8(await readFile(file, 'utf8'), ALG, { extractable: true });
  }
};

export const localClientId = (orgId: string): string => `local-${orgId}`;

export const createLocalIssuer = async (dataDir: string): Promise<LocalIssuer> => {
  const privateKey = await loadOrCreateKey(dataDir);
  const publicKey = await importJWK({ ...(await exportJWK(privateKey)), d: undefined }, ALG);
  return {
    async issueToken({ orgId, role, ttlSeconds = 3600 }) {
      if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
      const clientId = localClientId(orgId);
      return new SignJWT({ token_use: 'access', client_id: clientId, scope: scopeForRole(role), org_id: orgId })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setSubject(clientId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, { issuer: LOCAL_ISSUER, algorithms: [ALG] }));
      } catch {
        return undefined;
      }
      if (payload.token_use !== 'access' || typeof payload.client_id !== 'string') return undefined;
      // API Gateway passes every claim to the function as a string.
      return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    },
  };
};
