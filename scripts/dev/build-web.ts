import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Builds the browser apps under web/ into web/dist/ (what CloudFront serves from the web
 * bucket and the local gateway from disk). `npm install` runs it (prepare), `npm start` and
 * the test setup run it too, so both README commands stay two; each skips the build when
 * nothing it reads changed since the last one (a stamp of the sources' hash in web/dist).
 * `--force` builds regardless.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.sources-hash');
/** Each app: its Vite config, and the folder of its output under web/dist. */
export const WEB_APPS = [
  { name: 'console', config: join(WEB, 'console/vite.config.ts') },
  { name: 'scan', config: join(WEB, 'scan/vite.config.ts') },
] as const;

const sourceFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(path);
      return [path];
    }),
  );
  return files.flat().sort();
};

/**
 * Every file under web/ but the output, under shared/ (the apps bundle its pure parts: codes,
 * regions, the export checks), and the lockfile (a dependency's update rebuilds).
 */
export const sourcesHash = async (): Promise<string> => {
  const hash = createHash('sha256');
  const files = [...(await sourceFiles(WEB)), ...(await sourceFiles(join(ROOT, 'shared'))), join(ROOT, 'package-lock.json')];
  for (const file of files) {
    hash
      .update(relative(ROOT, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
};

const upToDate = async (hash: string): Promise<boolean> => {
  try {
    if ((await readFile(STAMP, 'utf8')) !== hash) return false;
    await Promise.all(WEB_APPS.map(({ name }) => stat(join(DIST, name, 'index.html'))));
    return true;
  } catch {
    return false;
  }
};

export const buildWeb = async ({ force = false, quiet = false } = {}): Promise<'built' | 'up to date'> => {
  const hash = await sourcesHash();
  if (!force && (await upToDate(hash))) return 'up to date';
  // React, antd and the JSX transform pick their production builds by NODE_ENV, which a
  // test runner sets to `test`: what is published is always the production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    for (const app of WEB_APPS) {
      await build({ configFile: app.config, mode: 'production', logLevel: quiet ? 'warn' : 'info' });
    }
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  await writeFile(STAMP, hash);
  return 'built';
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outcome = await buildWeb({ force: process.argv.includes('--force') });
  console.log(`web/dist: ${outcome}`);
}
