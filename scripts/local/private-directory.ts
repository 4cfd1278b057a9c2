import { chmod, mkdir, stat } from 'node:fs/promises';

/**
 * DATA_DIR holds the signing keys, the local issuer's key and DynamoDB Local's files (the
 * per-product serial keys among them): on a shared machine nobody else may read it. New
 * directories are created 0700; an existing one that others can open is tightened to 0700
 * with a warning, and if that is not ours to change we refuse to use it.
 */
export const ensurePrivateDirectory = async (path: string, log: (message: string) => void = console.warn): Promise<void> => {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const info = await stat(path);
  if (!info.isDirectory()) throw new Error(`${path} is not a directory`);
  // Windows has no POSIX modes to check; its ACLs are inherited from the user's profile.
  if (process.platform === 'win32' || (info.mode & 0o077) === 0) return;
  const was = (info.mode & 0o777).toString(8).padStart(4, '0');
  try {
    await chmod(path, 0o700);
  } catch (error) {
    throw new Error(
      `${path} is open to other users (mode ${was}) and cannot be made private (${String(error)}); ` +
        'choose another DATA_DIR or run: chmod 700 ' +
        path,
    );
  }
  log(`warning: ${path} was open to other users (mode ${was}); it is now 0700 (owner only)`);
};
