import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationHandler } from 'aws-lambda';
import { rotateSigningKey } from '#kernel/keys/rotation';

/** Secrets Manager calls this four times per rotation, once per step (see shared/kernel/keys/rotation.ts). */
const secrets = new SecretsManagerClient({});

export const handler: SecretsManagerRotationHandler = async (event) => {
  await rotateSigningKey(secrets, event);
};
