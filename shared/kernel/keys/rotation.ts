import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import type { CodeIdentity } from '../codes/digital-link';
import { publicKeyFromJwk, signCode, splitDigsig, toPublicJwk, verifyCodeSignature } from '../codes/signature';
import { isConditionFailure } from '../db/dynamodb-client';
import { logger } from '../logger';
import { generateSigningKey, privateKeyFromPem } from './key-material';
import type { SigningKeySecret } from './signing-key-provider';
import { listPublicKeys, putPublicKey } from './signing-key-repository';

/**
 * Secrets Manager's four-step rotation protocol for the ES256 signing key. Each step may
 * run more than once (Secrets Manager retries), so each one checks whether its work is
 * already done. The order matters for verifiers: the public key is in the table (setSecret)
 * and proven to verify (testSecret) before the new private key becomes AWSCURRENT
 * (finishSecret) and signs anything. Old public keys are never removed, so every code
 * ever issued keeps verifying.
 *
 * Nothing here logs key material: only steps, version ids and kids (which are public).
 */
const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/** What testSecret signs: shaped like a real code, so the production signing path is tested. */
const TEST_CODE: CodeIdentity = { gtin: '00000000000000', lot: 'ROTATION-TEST', serial: 'ROTATIONTEST' };

export class RotationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

const parseSecret = (secretString: string | undefined): SigningKeySecret => {
  let value: Partial<SigningKeySecret> | undefined;
  try {
    value = JSON.parse(secretString ?? '') as Partial<SigningKeySecret>;
  } catch {
    value = undefined;
  }
  if (typeof value?.kid !== 'string' || typeof value.privateKeyPem !== 'string') {
    // Never echo the value: it may be a private key.
    throw new RotationError('The pending secret version is not a {kid, privateKeyPem} signing key');
  }
  return { kid: value.kid, privateKeyPem: value.privateKeyPem };
};

const getPending = async (client: SecretsManagerClient, secretId: string, token: string): Promise<SigningKeySecret> => {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: PENDING }),
  );
  return parseSecret(SecretString);
};

const createSecret = async (client: SecretsManagerClient, secretId: string, token: string): Promise<void> => {
  try {
    await getPending(client, secretId, token);
    logger.info('rotation: pending version already exists', { step: 'createSecret', versionId: token });
    return;
  } catch (error) {
    // By name: the SDK's error classes are not always the instance a bundler kept.
    if (!(error instanceof Error && error.name === ResourceNotFoundException.name)) throw error;
  }
  // A kid names a key for ever (it prefixes every AI 8030 value), so never reuse one.
  const taken = new Set((await listPublicKeys()).map((record) => record.jwk.kid));
  const key = generateSigningKey(taken);
  const secret: SigningKeySecret = { kid: key.kid, privateKeyPem: key.privateKeyPem };
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify(secret),
      VersionStages: [PENDING],
    }),
  );
  logger.info('rotation: created pending signing key', { step: 'createSecret', versionId: token, kid: key.kid });
};

const setSecret = async (client: SecretsManagerClient, secretId: string, token: string, now: Date): Promise<void> => {
  const pending = await getPending(client, secretId, token);
  const jwk = toPublicJwk(pending.kid, privateKeyFromPem(pending.privateKeyPem));
  try {
    await putPublicKey({ jwk, createdAt: now.toISOString() });
    logger.info('rotation: published public key', { step: 'setSecret', kid: jwk.kid });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // A retried step finds its own key; any other key under this kid would be a collision
    // that makes old codes unverifiable, so stop the rotation instead.
    const existing = (await listPublicKeys()).find((record) => record.jwk.kid === jwk.kid);
    if (existing?.jwk.x !== jwk.x || existing.jwk.y !== jwk.y) {
      throw new RotationError(`Another public key is already published under kid ${jwk.kid}`);
    }
    logger.info('rotation: public key already published', { step: 'setSecret', kid: jwk.kid });
  }
};

/** Signs with the pending private key and verifies with the public key as verifiers will load it. */
const testSecret = async (client: SecretsManagerClient, secretId: string, token: string): Promise<void> => {
  const pending = await getPending(client, secretId, token);
  const published = (await listPublicKeys()).find((record) => record.jwk.kid === pending.kid);
  if (published === undefined) throw new RotationError(`The public key of kid ${pending.kid} is not in the table`);
  const digsig = signCode({ kid: pending.kid, privateKey: privateKeyFromPem(pending.privateKeyPem) }, TEST_CODE);
  const { kid, signature } = splitDigsig(digsig);
  if (kid !== pending.kid || !verifyCodeSignature(publicKeyFromJwk(published.jwk), TEST_CODE, signature)) {
    throw new RotationError(`A test signature of kid ${pending.kid} does not verify with its published public key`);
  }
  logger.info('rotation: test signature verified', { step: 'testSecret', kid: pending.kid });
};

const finishSecret = async (
  client: SecretsManagerClient,
  secretId: string,
  token: string,
  versions: Record<string, string[]>,
): Promise<void> => {
  const current = Object.entries(versions).find(([, stages]) => stages.includes(CURRENT))?.[0];
  if (current === token) return;
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: CURRENT,
      MoveToVersionId: token,
      RemoveFromVersionId: current,
    }),
  );
  logger.info('rotation: new signing key is current', { step: 'finishSecret', versionId: token });
};

export const rotateSigningKey = async (
  client: SecretsManagerClient,
  event: SecretsManagerRotationEvent,
  now = new Date(),
): Promise<void> => {
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  const metadata = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (metadata.RotationEnabled !== true) throw new RotationError('Rotation is not enabled on the signing key secret');
  const versions = metadata.VersionIdsToStages ?? {};
  const stages = versions[token];
  if (stages === undefined) throw new RotationError(`Version ${token} has no stage for rotation`);
  if (stages.includes(CURRENT)) {
    logger.info('rotation: version is already current', { step, versionId: token });
    return;
  }
  if (!stages.includes(PENDING)) throw new RotationError(`Version ${token} is not pending rotation`);

  switch (step) {
    case 'createSecret':
      return createSecret(client, secretId, token);
    case 'setSecret':
      return setSecret(client, secretId, token, now);
    case 'testSecret':
      return testSecret(client, secretId, token);
    case 'finishSecret':
      return finishSecret(client, secretId, token, versions);
    default:
      throw new RotationError(`Unknown rotation step ${String(step)}`);
  }
};
