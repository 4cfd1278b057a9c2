import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The console speaks zh-CN and English from one catalogue per language: every key is in
 * both, every literal key the code asks for exists, and no screen talks to anything but the
 * generated API client (config.json aside, which says where the API and the provider are).
 */
const WEB = join(import.meta.dirname, '../../web');
const CATALOGUES = join(WEB, 'console/src/i18n');

type Catalogue = { [key: string]: string | Catalogue };

const load = async (language: string): Promise<Catalogue> =>
  JSON.parse(await readFile(join(CATALOGUES, `${language}.json`), 'utf8')) as Catalogue;

const flatten = (catalogue: Catalogue, prefix = ''): Map<string, string> => {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [inner, text] of flatten(value, path)) entries.set(inner, text);
  }
  return entries;
};

const sources = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
};

describe('the console catalogues', () => {
  it('hold the same keys in zh-CN and English, none empty, with the same placeholders', async () => {
    const zh = flatten(await load('zh-CN'));
    const en = flatten(await load('en'));
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of zh) {
      expect(text.trim(), key).not.toBe('');
      const placeholders = (value: string) => [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('hold every key the code asks for by name', async () => {
    const zh = flatten(await load('zh-CN'));
    const missing: string[] = [];
    for (const file of await sources(join(WEB, 'console/src'))) {
      const code = await readFile(file, 'utf8');
      for (const match of code.matchAll(/\bt\(\s*'([\w.-]+)'/g)) {
        if (!zh.has(match[1] ?? '')) missing.push(`${relative(WEB, file)}: ${match[1]}`);
      }
      for (const match of code.matchAll(/labelKey: '([\w.-]+)'/g)) {
        if (!zh.has(match[1] ?? '')) missing.push(`${relative(WEB, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('leave no fetch outside the API client and the configuration loader', async () => {
    const fetching: string[] = [];
    for (const file of await sources(join(WEB, 'console/src'))) {
      const code = await readFile(file, 'utf8');
      if (/\bfetch\(|XMLHttpRequest|new WebSocket|sendBeacon/.test(code)) fetching.push(relative(WEB, file));
    }
    expect(fetching).toEqual(['console/src/config.ts', 'console/src/screens/regulator/export-files.ts']);
  });
});

/**
 * The workers' app (web/scan) has its own small catalogues, held to the same rules, and one
 * module that makes requests (api.ts): keys it names by literal ('verdict.forged') exist, and
 * every verdict status the API can answer has its words.
 */
describe('the workers app catalogues', () => {
  const SCAN = join(WEB, 'scan/src');
  const loadScan = async (language: string): Promise<Catalogue> =>
    JSON.parse(await readFile(join(SCAN, 'i18n', `${language}.json`), 'utf8')) as Catalogue;

  it('hold the same keys in zh-CN and English, none empty, with the same placeholders', async () => {
    const zh = flatten(await loadScan('zh-CN'));
    const en = flatten(await loadScan('en'));
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of zh) {
      expect(text.trim(), key).not.toBe('');
      const placeholders = (value: string) => [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('hold every key the code names, and words for every verdict status', async () => {
    const catalogue = await loadScan('zh-CN');
    const zh = flatten(catalogue);
    const namespaces = Object.keys(catalogue).join('|');
    const missing: string[] = [];
    for (const file of await sources(SCAN)) {
      const code = await readFile(file, 'utf8');
      for (const match of code.matchAll(new RegExp(`'((?:${namespaces})\\.[\\w.]+)'`, 'g'))) {
        if (!zh.has(match[1] ?? '')) missing.push(`${relative(WEB, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
    const openapi = await readFile(join(WEB, 'shared/openapi-types.generated.d.ts'), 'utf8');
    const statuses = /VerificationResult: \{\s*\/\*\* @enum \{string\} \*\/\s*status: ([^;]+);/.exec(openapi)?.[1] ?? '';
    const named = [...statuses.matchAll(/'(\w+)'/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(5);
    for (const status of named) expect(zh.has(`status.${status}`), status).toBe(true);
  });

  it('leave every request to its API module', async () => {
    const fetching: string[] = [];
    for (const file of await sources(SCAN)) {
      const code = await readFile(file, 'utf8');
      if (/\bfetch\(|XMLHttpRequest|new WebSocket|sendBeacon/.test(code)) fetching.push(relative(WEB, file));
    }
    expect(fetching).toEqual(['scan/src/api.ts']);
  });
});
