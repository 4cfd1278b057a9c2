import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ConflictError } from '#kernel/errors';
import { normalizeEmail } from '../domain/members';

/**
 * The local OpenID provider's accounts (scripts/local/oidc-provider.ts), the stand-in for
 * the Cognito user pool's users: one JSON file under DATA_DIR, mode 0600, holding each
 * person's user id, email and scrypt password hash. A password the service made (a seeded
 * person's, an invited person's temporary one) is kept beside its hash in the same file so
 * that `npm start` can print it: the file is as private as the local issuer's key.
 */
export interface LocalAccount {
  userId: string;
  email: string;
  /** `scrypt$<salt base64url>$<hash base64url>` (N=16384, r=8, p=1, 32 bytes). */
  passwordHash: string;
  /** The password the service made, for printing; absent once the person chose one. */
  issuedPassword?: string;
}

interface AccountFile {
  accounts: LocalAccount[];
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_BYTES = 32;

export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${(await scryptAsync(password, salt, KEY_BYTES)).toString('base64url')}`;
};

export const passwordMatches = async (password: string, stored: string): Promise<boolean> => {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length || KEY_BYTES);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** 18 random bytes: 24 URL-safe characters, printed once per DATA_DIR. */
export const newPassword = (): string => randomBytes(18).toString('base64url');

export const readAccounts = async (file: string): Promise<LocalAccount[]> => {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as AccountFile).accounts;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

// One writer at a time in this process (the runtime's handlers and the seed share it).
let writes: Promise<unknown> = Promise.resolve();

const update = <T>(file: string, change: (accounts: LocalAccount[]) => Promise<{ accounts: LocalAccount[]; result: T }>) => {
  const run = writes.then(async () => {
    const { accounts, result } = await change(await readAccounts(file));
    // Written whole and renamed into place: a reader never sees half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ accounts } satisfies AccountFile, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, file);
    return result;
  });
  writes = run.catch(() => undefined);
  return run;
};

export const findAccountByEmail = async (file: string, email: string): Promise<LocalAccount | undefined> =>
  (await readAccounts(file)).find((account) => account.email === normalizeEmail(email));

export const findAccount = async (file: string, userId: string): Promise<LocalAccount | undefined> =>
  (await readAccounts(file)).find((account) => account.userId === userId);

/** A new account with a password the service made; USER_EXISTS if the email has one already. */
export const addAccount = (file: string, email: string): Promise<{ account: LocalAccount; password: string }> =>
  update(file, async (accounts) => {
    const normalized = normalizeEmail(email);
    if (accounts.some((account) => account.email === normalized)) {
      throw new ConflictError('USER_EXISTS', `A person with the email ${normalized} already exists`);
    }
    const password = newPassword();
    const account: LocalAccount = {
      userId: randomUUID(),
      email: normalized,
      passwordHash: await hashPassword(password),
      issuedPassword: password,
    };
    return { accounts: [...accounts, account], result: { account, password } };
  });

/** Gone from the file: it can no longer sign in (Cognito's AdminDeleteUser). */
export const deleteAccount = (file: string, userId: string): Promise<void> =>
  update(file, async (accounts) => ({ accounts: accounts.filter((account) => account.userId !== userId), result: undefined }));
