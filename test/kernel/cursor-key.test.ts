import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Where the key that seals pagination cursors comes from: a secret in AWS, CURSOR_KEY locally,
 * a per-process key only outside Lambda. A missing or short key is a configuration error, never
 * a weak key; a failed read is not cached. Secrets Manager is AWS-only, so it is mocked.
 */
const secrets = mockClient(SecretsManagerClient);
const LONG = 'k'.repeat(32);

/** A fresh module, so the key it caches is loaded again by each test. */
const freshCursorKey = async () => {
  vi.resetModules();
  return (await import('#kernel/db/cursor-key')).cursorKey;
};

beforeEach(() => {
  secrets.reset();
  vi.stubEnv('CURSOR_KEY_SECRET_ID', undefined);
  vi.stubEnv('CURSOR_KEY', undefined);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => secrets.restore());

describe('cursorKey', () => {
  it('reads the secret once and serves it to every later cursor', async () => {
    vi.stubEnv('CURSOR_KEY_SECRET_ID', 'cursor-key');
    secrets.on(GetSecretValueCommand, { SecretId: 'cursor-key' }).resolves({ SecretString: LONG });
    const cursorKey = await freshCursorKey();
    expect((await cursorKey()).toString('utf8')).toBe(LONG);
    expect((await cursorKey()).toString('utf8')).toBe(LONG);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    ['missing', {}],
    ['too short', { SecretString: 'k'.repeat(31) }],
  ])('refuses a secret that is %s, and asks again on the next cursor', async (_, answer) => {
    vi.stubEnv('CURSOR_KEY_SECRET_ID', 'cursor-key');
    secrets.on(GetSecretValueCommand).resolvesOnce(answer).resolves({ SecretString: LONG });
    const cursorKey = await freshCursorKey();
    await expect(cursorKey()).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR', statusCode: 500 });
    expect((await cursorKey()).toString('utf8')).toBe(LONG);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('uses CURSOR_KEY locally, and refuses one too short to seal with', async () => {
    vi.stubEnv('CURSOR_KEY', LONG);
    expect((await (await freshCursorKey())()).toString('utf8')).toBe(LONG);
    vi.stubEnv('CURSOR_KEY', 'short');
    await expect((await freshCursorKey())()).rejects.toThrow(/CURSOR_KEY is too short/);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('refuses to make up a key inside Lambda, where siblings could not open its cursors', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'list-batches');
    await expect((await freshCursorKey())()).rejects.toThrow(/CURSOR_KEY_SECRET_ID is not set/);
  });

  it('makes up a random key of its own for a process that pages alone', async () => {
    const first = await (await freshCursorKey())();
    const second = await (await freshCursorKey())();
    expect(first).toHaveLength(32);
    expect(first.equals(second)).toBe(false);
  });
});
