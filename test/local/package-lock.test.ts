import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` on a fresh clone must leave package-lock.json as committed, with the npm that
 * comes with Node 20 (npm 10) as with npm 11. npm 10 drops the `libc` field npm 11 writes on
 * platform packages (Biome's and esbuild's musl and glibc builds), so a lock holding it is
 * rewritten by every Node 20 install; and the lock carries no registry URLs (`resolved`), as
 * the project's .npmrc keeps it, so it installs the same through any registry mirror.
 */
interface LockEntry {
  libc?: string[];
  resolved?: string;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

describe('package-lock.json is stable across the npm versions that install it', () => {
  it('is lockfile version 3, which npm 10 and 11 both write as is', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('has no field that one supported npm writes and another drops', () => {
    const entries = Object.entries(lock.packages);
    expect(entries.length).toBeGreaterThan(100);
    expect(entries.filter(([, entry]) => entry.libc !== undefined).map(([path]) => path)).toEqual([]);
    expect(entries.filter(([, entry]) => entry.resolved !== undefined).map(([path]) => path)).toEqual([]);
  });

  it('the project .npmrc keeps registry URLs out of the lock for anyone who changes a dependency', () => {
    const npmrc = readFileSync(new URL('../../.npmrc', import.meta.url), 'utf8');
    expect(npmrc).toMatch(/^omit-lockfile-registry-resolved=true$/m);
  });
});
