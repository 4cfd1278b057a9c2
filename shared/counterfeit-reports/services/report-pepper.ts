import { createHmac, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reports are rate-limited per source IP without storing any IP: the counter is keyed by
 * an HMAC of the IP under a server-side pepper. In AWS the pepper is a generated secret
 * (REPORT_PEPPER_SECRET_ID), the same for every instance, so the limit holds across them;
 * the local runtime is one process, whose random pepper lasts as long as it does.
 */
let pepper: Promise<Buffer> | undefined;

const loadPepper = async (): Promise<Buffer> => {
  const secretId = process.env.REPORT_PEPPER_SECRET_ID;
  if (secretId === undefined || secretId === '') return randomBytes(32);
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined || SecretString.length < 32) throw new Error('The report pepper secret is missing or too short');
  return Buffer.from(SecretString, 'utf8');
};

export const hashSourceIp = async (ip: string): Promise<string> => {
  pepper ??= loadPepper().catch((error: unknown) => {
    // A failed read is retried on the next request rather than cached.
    pepper = undefined;
    throw error;
  });
  return createHmac('sha256', await pepper)
    .update(ip)
    .digest('base64url')
    .slice(0, 32);
};
