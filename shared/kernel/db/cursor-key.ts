import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getOptionalStringFromEnv } from '../config';
import { AppError } from '../errors';

/**
 * The key pagination cursors are sealed with (shared/kernel/db/cursors.ts). It never leaves the
 * service: whoever lacks it cannot make a cursor a listing accepts. In AWS it is a generated
 * secret (CURSOR_KEY_SECRET_ID), the same for every instance of every listing function, so a
 * cursor handed out by one instance works on the next; locally `npm start` generates one per
 * run (CURSOR_KEY), so a restart only ends the pagings under way.
 */
let key: Promise<Buffer> | undefined;

const MIN_KEY_LENGTH = 32;

const loadKey = async (): Promise<Buffer> => {
  const secretId = getOptionalStringFromEnv('CURSOR_KEY_SECRET_ID');
  if (secretId !== undefined) {
    const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString === undefined || SecretString.length < MIN_KEY_LENGTH) {
      throw new AppError(500, 'CONFIGURATION_ERROR', 'The cursor key secret is missing or too short');
    }
    return Buffer.from(SecretString, 'utf8');
  }
  const local = getOptionalStringFromEnv('CURSOR_KEY');
  if (local !== undefined) {
    if (local.length < MIN_KEY_LENGTH) throw new AppError(500, 'CONFIGURATION_ERROR', 'CURSOR_KEY is too short');
    return Buffer.from(local, 'utf8');
  }
  // A Lambda function with a per-instance key would refuse the cursors of its siblings.
  if (getOptionalStringFromEnv('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'CURSOR_KEY_SECRET_ID is not set');
  }
  // A process that pages on its own (a script, a unit test): its cursors live as long as it does.
  return randomBytes(32);
};

export const cursorKey = (): Promise<Buffer> => {
  key ??= loadKey().catch((error: unknown) => {
    // A failed read is retried on the next request rather than cached.
    key = undefined;
    throw error;
  });
  return key;
};
