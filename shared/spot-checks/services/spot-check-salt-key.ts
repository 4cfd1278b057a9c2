/**
 * The key of the service's spot-check salts. A draw's service salt is an HMAC under this key
 * of everything fixed before it, so it is never stored: until the reveal publishes it, only
 * code holding the key can know it, and nobody who can read or write the table can. In AWS
 * the key is a generated Secrets Manager secret (SPOT_CHECK_SALT_SECRET_ID) that only the
 * spot-check write function may read; locally a file (SPOT_CHECK_SALT_KEY_FILE, mode 0600)
 * made on first use, so draws fixed before a restart can still be revealed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';

const MIN_KEY_BYTES = 32;
// Per source, because tests start several local runtimes (each with its own key file) in one process.
const keys = new Map<string, Promise<Buffer>>();

const fromSecret = async (secretId: string): Promise<Buffer> => {
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined || SecretString.length < MIN_KEY_BYTES)
    throw new Error('The spot-check salt key is missing or too short');
  return Buffer.from(SecretString, 'utf8');
};

const fromFile = async (file: string): Promise<Buffer> => {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, randomBytes(MIN_KEY_BYTES).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
  if (key.length < MIN_KEY_BYTES) throw new Error(`The spot-check salt key file ${file} is too short`);
  return key;
};

const loadKey = (): Promise<Buffer> => {
  const secretId = getOptionalStringFromEnv('SPOT_CHECK_SALT_SECRET_ID');
  const file = getOptionalStringFromEnv('SPOT_CHECK_SALT_KEY_FILE');
  const source = secretId === undefined ? (file === undefined ? undefined : `file:${file}`) : `secret:${secretId}`;
  if (source === undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither SPOT_CHECK_SALT_SECRET_ID nor SPOT_CHECK_SALT_KEY_FILE is set');
  }
  let key = keys.get(source);
  if (key === undefined) {
    key = (secretId === undefined ? fromFile(file as string) : fromSecret(secretId)).catch((error: unknown) => {
      // A failed read is tried again on the next call rather than cached.
      keys.delete(source);
      throw error;
    });
    keys.set(source, key);
  }
  return key;
};

/** The service salt of a draw: HMAC-SHA-256 of its salt message (spot-check-draw.ts). */
export const serviceSaltOf = async (message: Uint8Array): Promise<Buffer> =>
  createHmac('sha256', await loadKey())
    .update(message)
    .digest();
