import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent, SecretsManagerRotationEventStep } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { publicKeyFromJwk, signCode, splitDigsig, verifyCodeSignature } from '#kernel/codes/signature';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { generateSigningKey } from '#kernel/keys/key-material';
import { forgetPublicKeys, getPublicKey } from '#kernel/keys/public-key-cache';
import { forgetSigningKey, getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { listPublicKeys, putPublicKey } from '#kernel/keys/signing-key-repository';
import { handler } from '../../functions/rotate-signing-key/handler';
import { ensureTable } from '../../scripts/local/tables';

/**
 * Secrets Manager is a fake that keeps versions and staging labels the way the service
 * does (aws-sdk-client-mock); the public keys go to this file's DynamoDB Local table, so
 * the conditional write is DynamoDB's own.
 */
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:signing-key-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);

interface Version {
  stages: string[];
  value?: string;
}
let versions: Map<string, Version>;
let rotationEnabled: boolean;

const notFound = () => new ResourceNotFoundException({ message: 'no such version', $metadata: {} });

const installFake = () => {
  secretsManager.reset();
  secretsManager.on(DescribeSecretCommand).callsFake(() => ({
    ARN: SECRET_ARN,
    RotationEnabled: rotationEnabled,
    VersionIdsToStages: Object.fromEntries([...versions].map(([id, v]) => [id, [...v.stages]])),
  }));
  secretsManager.on(GetSecretValueCommand).callsFake((input: { VersionId?: string; VersionStage?: string }) => {
    const stage = input.VersionStage ?? (input.VersionId === undefined ? 'AWSCURRENT' : undefined);
    const entry = [...versions].find(
      ([id, v]) => (input.VersionId === undefined || id === input.VersionId) && (stage === undefined || v.stages.includes(stage)),
    );
    if (entry?.[1].value === undefined) throw notFound();
    return { ARN: SECRET_ARN, VersionId: entry[0], SecretString: entry[1].value };
  });
  secretsManager
    .on(PutSecretValueCommand)
    .callsFake((input: { ClientRequestToken: string; SecretString: string; VersionStages: string[] }) => {
      versions.set(input.ClientRequestToken, { stages: input.VersionStages, value: input.SecretString });
      return { ARN: SECRET_ARN, VersionId: input.ClientRequestToken };
    });
  secretsManager
    .on(UpdateSecretVersionStageCommand)
    .callsFake((input: { VersionStage: string; MoveToVersionId: string; RemoveFromVersionId?: string }) => {
      const from = input.RemoveFromVersionId === undefined ? undefined : versions.get(input.RemoveFromVersionId);
      if (from !== undefined) {
        from.stages = from.stages.filter((s) => s !== input.VersionStage);
        // Secrets Manager keeps the last current version as AWSPREVIOUS.
        if (input.VersionStage === 'AWSCURRENT') from.stages.push('AWSPREVIOUS');
      }
      versions.get(input.MoveToVersionId)?.stages.push(input.VersionStage);
      return { ARN: SECRET_ARN };
    });
};

/** What RotateSecret does before the first step: a version with AWSPENDING and no value yet. */
const startRotation = (token: string) => versions.set(token, { stages: ['AWSPENDING'] });

const step = (Step: SecretsManagerRotationEventStep, ClientRequestToken: string) =>
  handler(
    { Step, SecretId: SECRET_ARN, ClientRequestToken } satisfies SecretsManagerRotationEvent,
    {} as Context,
    () => undefined,
  );

const rotate = async (token: string) => {
  startRotation(token);
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(name, token);
};

const current = (): { kid: string; privateKeyPem: string } => {
  const value = [...versions.values()].find((v) => v.stages.includes('AWSCURRENT'))?.value ?? '{}';
  return JSON.parse(value) as { kid: string; privateKeyPem: string };
};

const CODE = { gtin: '05012345678900', lot: 'L-1', serial: 'SERIAL1' };

beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
  process.env.SIGNING_KEY_SECRET_ID = SECRET_ARN;
});

beforeEach(() => {
  versions = new Map([['initial', { stages: ['AWSCURRENT'], value: '{"status":"awaiting-first-rotation","placeholder":"x"}' }]]);
  rotationEnabled = true;
  installFake();
  forgetSigningKey();
  forgetPublicKeys();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('signing key rotation', () => {
  it('makes a fresh P-256 key current only after its public key is published and verified', async () => {
    await rotate('token-first');
    const key = current();
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{4}$/);
    expect(key.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(versions.get('initial')?.stages).toEqual(['AWSPREVIOUS']);

    // What create-batch will load, and what verifiers will find for its kid.
    const signing = await getActiveSigningKey();
    expect(signing.kid).toBe(key.kid);
    const { kid, signature } = splitDigsig(signCode(signing, CODE));
    const publicKey = await getPublicKey(kid);
    expect(publicKey).toBeDefined();
    expect(verifyCodeSignature(publicKey as never, CODE, signature)).toBe(true);
  });

  it('keeps every older public key, so codes signed before a rotation keep verifying', async () => {
    await rotate('token-a');
    const first = current();
    forgetSigningKey();
    const oldDigsig = signCode(await getActiveSigningKey(), CODE);

    await rotate('token-b');
    const second = current();
    expect(second.kid).not.toBe(first.kid);
    const published = await listPublicKeys();
    expect(published.map((record) => record.jwk.kid)).toEqual(expect.arrayContaining([first.kid, second.kid]));

    const { kid, signature } = splitDigsig(oldDigsig);
    const old = published.find((record) => record.jwk.kid === kid);
    expect(verifyCodeSignature(publicKeyFromJwk(old?.jwk as never), CODE, signature)).toBe(true);
  });

  it('does each step once however often Secrets Manager retries it', async () => {
    startRotation('token-retry');
    for (const name of [
      'createSecret',
      'createSecret',
      'setSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
      'finishSecret',
    ] as const) {
      await step(name, 'token-retry');
    }
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(1);
    expect((await listPublicKeys()).filter((record) => record.jwk.kid === current().kid)).toHaveLength(1);
  });

  it('moves AWSCURRENT from the old version to the new one, and stops once it is current', async () => {
    await rotate('token-finish');
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'token-finish',
      RemoveFromVersionId: 'initial',
    });
    // A late retry of any step on the now-current version changes nothing.
    await step('createSecret', 'token-finish');
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('refuses to rotate when rotation is off, the version is unknown or not pending', async () => {
    rotationEnabled = false;
    startRotation('token-off');
    await expect(step('createSecret', 'token-off')).rejects.toThrow(/not enabled/);

    rotationEnabled = true;
    await expect(step('createSecret', 'token-unknown')).rejects.toThrow(/no stage/);

    versions.set('token-stale', { stages: ['AWSPREVIOUS'], value: '{}' });
    await expect(step('createSecret', 'token-stale')).rejects.toThrow(/not pending/);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('stops the rotation rather than publish a second key under a kid that is taken', async () => {
    startRotation('token-collision');
    await step('createSecret', 'token-collision');
    const pending = JSON.parse(versions.get('token-collision')?.value ?? '{}') as { kid: string };
    // Another key already published under the same kid (a collision the kid check should prevent).
    const other = generateSigningKey();
    await putPublicKey({ jwk: { ...other.jwk, kid: pending.kid }, createdAt: new Date().toISOString() });

    await expect(step('setSecret', 'token-collision')).rejects.toThrow(/Another public key/);
    await expect(step('testSecret', 'token-collision')).rejects.toThrow(/does not verify/);
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('fails testSecret when the public key never reached the table', async () => {
    startRotation('token-unpublished');
    await step('createSecret', 'token-unpublished');
    await expect(step('testSecret', 'token-unpublished')).rejects.toThrow(/not in the table/);
  });

  it('never writes key material to the logs', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    };
    vi.spyOn(console, 'log').mockImplementation(capture);
    vi.spyOn(console, 'error').mockImplementation(capture);
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'info';
    try {
      await rotate('token-logs');
      // A failing step must not echo the secret either.
      versions.set('token-bad', { stages: ['AWSPENDING'], value: `not json ${current().privateKeyPem}` });
      await expect(step('setSecret', 'token-bad')).rejects.toThrow(/not a \{kid, privateKeyPem\} signing key/);
    } finally {
      process.env.LOG_LEVEL = level;
    }
    const { kid, privateKeyPem } = current();
    const body = privateKeyPem.split('\n')[1] ?? '';
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((line) => line.includes(kid))).toBe(true);
    for (const line of lines) {
      expect(line.includes('PRIVATE KEY')).toBe(false);
      expect(line.includes(body.slice(0, 32))).toBe(false);
    }
  });
});
