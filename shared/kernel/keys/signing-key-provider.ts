import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SigningKey } from '../codes/signature';
import { getOptionalStringFromEnv } from '../config';
import { ServiceUnavailableError } from '../errors';
import { loadActiveLocalSigningKey } from './file-signing-keys';
import { privateKeyFromPem } from './key-material';

/** The secret's JSON: the active key only; retired keys need no private half. */
export interface SigningKeySecret {
  kid: string;
  privateKeyPem: string;
}

const REFRESH_MS = 5 * 60 * 1000;

let cached: { key: SigningKey; loadedAt: number } | undefined;
let secretsClient: SecretsManagerClient | undefined;

const loadFromSecretsManager = async (secretId: string): Promise<SigningKey | undefined> => {
  secretsClient ??= new SecretsManagerClient({});
  const { SecretString } = await secretsClient.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined) return undefined;
  const secret = JSON.parse(SecretString) as Partial<SigningKeySecret>;
  if (typeof secret.kid !== 'string' || typeof secret.privateKeyPem !== 'string') return undefined;
  return { kid: secret.kid, privateKey: privateKeyFromPem(secret.privateKeyPem) };
};

/**
 * The active signing key: from Secrets Manager in AWS (SIGNING_KEY_SECRET_ID), from
 * SIGNING_KEY_DIR locally. Cached per container and re-read every few minutes, so a
 * rotation takes effect without a deploy.
 */
export const getActiveSigningKey = async (): Promise<SigningKey> => {
  if (cached !== undefined && Date.now() - cached.loadedAt < REFRESH_MS) return cached.key;
  const secretId = getOptionalStringFromEnv('SIGNING_KEY_SECRET_ID');
  const dir = getOptionalStringFromEnv('SIGNING_KEY_DIR');
  const key =
    secretId !== undefined
      ? await loadFromSecretsManager(secretId)
      : dir !== undefined
        ? await loadActiveLocalSigningKey(dir)
        : undefined;
  if (key === undefined) {
    throw new ServiceUnavailableError('NO_SIGNING_KEY', 'Code issuance is not available yet: no signing key');
  }
  cached = { key, loadedAt: Date.now() };
  return key;
};

/** Tests and the local runtime call this after rotating. */
export const forgetSigningKey = (): void => {
  cached = undefined;
};
