/**
 * Each lab's signing key, held by the service so a registration can only be made in a
 * lab's name through that lab's own token. The private half goes to Secrets Manager in AWS
 * (one secret per lab under LAB_KEY_SECRET_PREFIX, encrypted with the customer-managed key
 * LAB_KEY_KMS_KEY_ID), locally to LAB_KEY_DIR (mode 0600); it is never logged, stored in
 * the table or returned. The public half is published in the JWKS with kid
 * `lab-<orgId>-<suffix>`, so anyone can check a registration's JWS offline.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CompactSign, compactVerify } from 'jose';
import { canonicalJson } from '../canonical-json';
import { publicKeyFromJwk, toPublicJwk } from '../codes/signature';
import { getOptionalStringFromEnv } from '../config';
import { AppError, ServiceUnavailableError } from '../errors';
import { privateKeyFromPem } from './key-material';
import { forgetPublicKeys } from './public-key-cache';
import { listPublicKeys, putPublicKey } from './signing-key-repository';

interface LabKeySecret {
  kid: string;
  privateKeyPem: string;
}

let secretsClient: SecretsManagerClient | undefined;
const secrets = () => (secretsClient ??= new SecretsManagerClient({}));

const storeLocation = (): { kind: 'aws'; prefix: string; kmsKeyId?: string } | { kind: 'dir'; dir: string } => {
  const prefix = getOptionalStringFromEnv('LAB_KEY_SECRET_PREFIX');
  if (prefix !== undefined) {
    const kmsKeyId = getOptionalStringFromEnv('LAB_KEY_KMS_KEY_ID');
    return kmsKeyId === undefined ? { kind: 'aws', prefix } : { kind: 'aws', prefix, kmsKeyId };
  }
  const dir = getOptionalStringFromEnv('LAB_KEY_DIR');
  if (dir !== undefined) return { kind: 'dir', dir };
  throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither LAB_KEY_SECRET_PREFIX nor LAB_KEY_DIR is set');
};

// Organization ids are UUIDs (the schema says so), so they are safe as file and secret names.
const localFile = (dir: string, labOrgId: string) => join(dir, `${labOrgId}.json`);

const storePrivate = async (labOrgId: string, secret: LabKeySecret): Promise<void> => {
  const location = storeLocation();
  if (location.kind === 'aws') {
    await secrets().send(
      new CreateSecretCommand({
        Name: `${location.prefix}${labOrgId}`,
        SecretString: JSON.stringify(secret),
        ...(location.kmsKeyId === undefined ? {} : { KmsKeyId: location.kmsKeyId }),
        Description: 'TraceSeal: private signing key of a testing laboratory',
      }),
    );
    return;
  }
  await mkdir(location.dir, { recursive: true, mode: 0o700 });
  const file = localFile(location.dir, labOrgId);
  await writeFile(file, JSON.stringify(secret), { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
};

const loadPrivate = async (labOrgId: string): Promise<{ kid: string; privateKey: KeyObject } | undefined> => {
  const location = storeLocation();
  let text: string | undefined;
  if (location.kind === 'aws') {
    text = (await secrets().send(new GetSecretValueCommand({ SecretId: `${location.prefix}${labOrgId}` }))).SecretString;
  } else {
    text = await readFile(localFile(location.dir, labOrgId), 'utf8').catch(() => undefined);
  }
  if (text === undefined) return undefined;
  const secret = JSON.parse(text) as Partial<LabKeySecret>;
  if (typeof secret.kid !== 'string' || typeof secret.privateKeyPem !== 'string') return undefined;
  return { kid: secret.kid, privateKey: privateKeyFromPem(secret.privateKeyPem) };
};

export const LAB_REPORT_JWS_TYPE = 'traceseal-lab-report+jws';

/** Key ids of lab keys: never 4 characters, so they can never be taken for a label key. */
export const labKeyIdPrefix = (labOrgId: string): string => `lab-${labOrgId}-`;
export const isLabKeyOf = (kid: string, labOrgId: string): boolean => kid.startsWith(labKeyIdPrefix(labOrgId));

/** What every lab-signed payload names: the lab, whose keys alone may verify it. */
export interface LabSigned {
  labOrgId: string;
}

/**
 * A new lab's key: the private half stored first, then the public half published, so a
 * published key always has its private half (a crash in between leaves an unpublished
 * key, which signs nothing until the lab is registered again).
 */
export const createLabKey = async (labOrgId: string, now = new Date()): Promise<string> => {
  const kid = `${labKeyIdPrefix(labOrgId)}${randomBytes(6).toString('base64url')}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await storePrivate(labOrgId, { kid, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() });
  await putPublicKey({ jwk: toPublicJwk(kid, privateKey), createdAt: now.toISOString() });
  // This container's JWKS shows it at once; other containers reload theirs within minutes.
  forgetPublicKeys();
  return kid;
};

/** Signs a lab's claims with that lab's key; the caller has already checked the caller is the lab. */
export const signLabClaims = async <T extends LabSigned>(claims: T): Promise<{ kid: string; jws: string }> => {
  const key = await loadPrivate(claims.labOrgId);
  if (key === undefined) throw new ServiceUnavailableError('NO_LAB_KEY', 'This lab has no signing key yet');
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claims)))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: LAB_REPORT_JWS_TYPE })
    .sign(key.privateKey);
  return { kid: key.kid, jws };
};

/**
 * The claims a registration's JWS proves, or undefined when it does not verify with a
 * published key of that same lab. Read from the table, not the verify path's cache: a
 * comparison is rare and must see a lab registered a second ago.
 */
export const verifiedLabClaims = async <T extends LabSigned>(jws: string, labOrgId: string): Promise<T | undefined> => {
  const jwks = (await listPublicKeys()).map((record) => record.jwk).filter((jwk) => isLabKeyOf(jwk.kid, labOrgId));
  for (const jwk of jwks) {
    try {
      const { payload, protectedHeader } = await compactVerify(jws, publicKeyFromJwk(jwk), { algorithms: ['ES256'] });
      if (protectedHeader.kid !== jwk.kid || protectedHeader.typ !== LAB_REPORT_JWS_TYPE) continue;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as T;
      return claims.labOrgId === labOrgId ? claims : undefined;
    } catch {
      // Not signed by this key: try the lab's next one (a lab has one today; rotation may add more).
    }
  }
  return undefined;
};
