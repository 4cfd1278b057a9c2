import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningKey } from '../codes/signature';
import { type GeneratedKey, generateSigningKey, privateKeyFromPem } from './key-material';

/**
 * Local signing keys: one PKCS#8 PEM per key under `{dir}`, mode 0600, named by kid with
 * a creation-time prefix so the newest is the active one. Older keys stay for the record;
 * their public halves stay in the table, so codes they signed keep verifying.
 */
const FILE_PATTERN = /^(\d{13})-([A-Za-z0-9_-]{4})\.pem$/;

export const listLocalKeyFiles = async (dir: string): Promise<{ kid: string; file: string }[]> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .flatMap((name) => {
      const match = FILE_PATTERN.exec(name);
      return match?.[2] === undefined ? [] : [{ kid: match[2], file: join(dir, name), order: match[1] ?? '' }];
    })
    .sort((a, b) => a.order.localeCompare(b.order))
    .map(({ kid, file }) => ({ kid, file }));
};

export const createLocalSigningKey = async (dir: string): Promise<GeneratedKey> => {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const taken = new Set((await listLocalKeyFiles(dir)).map((k) => k.kid));
  const key = generateSigningKey(taken);
  const file = join(dir, `${Date.now()}-${key.kid}.pem`);
  await writeFile(file, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
};

export const loadActiveLocalSigningKey = async (dir: string): Promise<SigningKey | undefined> => {
  const newest = (await listLocalKeyFiles(dir)).at(-1);
  if (newest === undefined) return undefined;
  const mode = (await stat(newest.file)).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`signing key file ${newest.file} must not be readable by others`);
  return { kid: newest.kid, privateKey: privateKeyFromPem(await readFile(newest.file, 'utf8')) };
};
