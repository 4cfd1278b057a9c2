import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceSaltOf } from '#shared/spot-checks/services/spot-check-salt-key';

/**
 * The key a draw's service salt is an HMAC under: whoever could choose or read it could know
 * a draw's outcome before its reveal. So a key that is missing or short is refused, never
 * padded or replaced; a failed read is not remembered; and a local key file is made once,
 * private to its owner, and kept across restarts.
 */
const secrets = mockClient(SecretsManagerClient);
const message = new TextEncoder().encode('draw 1: lot L1, 12 units');
const hmac = (key: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(message).digest();
let dir: string;
let sources = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'salt-key-'));
});
afterEach(() => {
  secrets.reset();
  delete process.env.SPOT_CHECK_SALT_SECRET_ID;
  delete process.env.SPOT_CHECK_SALT_KEY_FILE;
});
afterAll(async () => {
  secrets.restore();
  await rm(dir, { recursive: true, force: true });
});

/** Each test its own source: the module keeps each source's key for the process's life. */
const useSecret = (): string => {
  const id = `arn:aws:secretsmanager:eu-central-1:123456789012:secret:salt-${++sources}`;
  process.env.SPOT_CHECK_SALT_SECRET_ID = id;
  return id;
};
const useFile = (): string => {
  const file = join(dir, `keys-${++sources}`, 'spot-check-salt.key');
  process.env.SPOT_CHECK_SALT_KEY_FILE = file;
  return file;
};

describe('the spot-check salt key in AWS', () => {
  const goodKey = 'k'.repeat(44);

  it('salts with the secret, read once', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: useSecret() }).resolves({ SecretString: goodKey });
    expect(await serviceSaltOf(message)).toEqual(hmac(goodKey));
    expect(await serviceSaltOf(message)).toEqual(hmac(goodKey));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['too short', 'k'.repeat(31)],
  ])('refuses a secret that is %s, and reads it again on the next draw', async (_, SecretString) => {
    const id = useSecret();
    secrets.on(GetSecretValueCommand, { SecretId: id }).resolvesOnce({ SecretString }).resolves({ SecretString: goodKey });
    await expect(serviceSaltOf(message)).rejects.toThrow('The spot-check salt key is missing or too short');
    expect(await serviceSaltOf(message)).toEqual(hmac(goodKey));
  });
});

describe('the spot-check salt key on a local disk', () => {
  it('is made on first use, readable by its owner only, and the same after a restart', async () => {
    const file = useFile();
    const salt = await serviceSaltOf(message);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(salt).toEqual(hmac((await readFile(file, 'utf8')).trim()));
  });

  it('uses a key file that is already there rather than replacing it', async () => {
    const file = useFile();
    const existing = 'e'.repeat(43);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${existing}\n`);
    expect(await serviceSaltOf(message)).toEqual(hmac(existing));
    expect(await readFile(file, 'utf8')).toBe(`${existing}\n`);
  });

  it('refuses a key file that is too short', async () => {
    const file = useFile();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'short');
    await expect(serviceSaltOf(message)).rejects.toThrow(`The spot-check salt key file ${file} is too short`);
  });

  it('fails on a key file it cannot write, rather than salting with nothing', async () => {
    // Its folder can be made, the file not (a name longer than any file system allows).
    process.env.SPOT_CHECK_SALT_KEY_FILE = join(dir, `keys-${++sources}`, `${'k'.repeat(300)}.key`);
    await expect(serviceSaltOf(message)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
  });
});

it('without a secret or a key file, a draw is a configuration error', async () => {
  await expect(serviceSaltOf(message)).rejects.toMatchObject({ statusCode: 500, code: 'CONFIGURATION_ERROR' });
});
