import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config';

/**
 * Coverage is enforced by `npm test`, which CI runs: the thresholds in vitest.config.ts fail
 * the build. A threshold whose glob matches no file passes silently (vitest checks an empty
 * set), so when a rules file moves or is renamed its 100 % would quietly stop being checked;
 * this test fails instead, naming the glob to update.
 */
const root = new URL('../../', import.meta.url);
const coverage = config.test?.coverage;
const thresholds = (coverage !== undefined && 'thresholds' in coverage ? coverage.thresholds : undefined) ?? {};
const globThresholds = Object.entries(thresholds).filter(([key]) => key.includes('/'));

/** The glob forms the config uses: `**` for any folders, `*` within a name. */
const globToRegExp = (glob: string): RegExp => {
  const literal = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const inName = (part: string) => part.split('*').map(literal).join('[^/]*');
  return new RegExp(`^${glob.split('**/').map(inName).join('(?:.*/)?')}$`);
};

const sourceFiles = ['shared', 'functions'].flatMap((folder) =>
  readdirSync(new URL(folder, root), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${folder}/${file.replaceAll('\\', '/')}`),
);

describe('coverage in CI', () => {
  it('npm test measures coverage, so CI (which runs npm test) enforces the thresholds', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/\bvitest run --coverage\b/);
    expect(readFileSync(new URL('.gitignore', root), 'utf8')).toMatch(/^coverage\/$/m);
  });

  it('measures shared/ and functions/ with a branch threshold over both', () => {
    expect(coverage).toMatchObject({ provider: 'v8', include: ['shared/**/*.ts', 'functions/**/*.ts'] });
    expect(thresholds).toHaveProperty('branches', expect.any(Number));
  });

  it('holds the custody rules and the scan rules to every branch', () => {
    const files = globThresholds.filter(([, value]) => (value as { 100?: boolean })[100] === true).map(([glob]) => glob);
    expect(files).toEqual(expect.arrayContaining(['**/custody/domain/rules.ts', '**/scan-rules.ts']));
  });

  it.each(globThresholds.map(([glob]) => [glob]))('the threshold glob %s matches a source file', (glob) => {
    const pattern = globToRegExp(glob);
    expect(sourceFiles.filter((file) => pattern.test(file)).length).toBeGreaterThan(0);
  });

  it('reads globs as vitest does', () => {
    expect(
      ['shared/custody/domain/rules.ts', 'shared/x/custody/domain/rules.ts'].every((f) =>
        globToRegExp('**/custody/domain/rules.ts').test(f),
      ),
    ).toBe(true);
    expect(globToRegExp('**/custody/domain/rules.ts').test('shared/custody/domain/rules.test.ts')).toBe(false);
    expect(globToRegExp('**/scan-rules.ts').test('shared/scans/store/scan-rules-repository.ts')).toBe(false);
  });
});
