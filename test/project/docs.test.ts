import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorsOf, brokenLinks, linksOf, markdownFiles, slugOf } from '../../scripts/dev/doc-links';
import { checkModuleMap, MAP_DOCUMENT, moduleGraph, moduleOf, withModuleMap } from '../../scripts/dev/module-map';

/**
 * The docs stay navigable: docs/architecture.md's module map is the one the imports draw, and
 * every relative link of the repository's Markdown resolves, `#fragment` included.
 */
const ROOT = resolve(import.meta.dirname, '../..');

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway checkout holding `files` (path → content). */
const checkout = (files: Record<string, string>): string => {
  const root = mkdtempSync(join(tmpdir(), 'traceseal-docs-'));
  scratch.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
};

describe('the module map', () => {
  it(`in ${MAP_DOCUMENT} is the one the code draws (else run npm run docs:module-map)`, () => {
    const { current, expected } = checkModuleMap(ROOT);
    expect(current).toBe(expected);
  });

  it('makes each top-level folder under shared/ a module, and files directly under shared/ the kernel', () => {
    expect(moduleOf('shared/errors.ts')).toBe('kernel');
    expect(moduleOf('shared/kernel/db/keys.ts')).toBe('kernel');
    expect(moduleOf('shared/store/keys.ts')).toBe('store');
    expect(moduleOf('shared/test-reports/http/routes.ts')).toBe('test-reports');
    expect(moduleOf('functions/verify-code/handler.ts')).toBeUndefined();
  });

  it('follows every alias package.json declares, and tells type-only edges apart', () => {
    const root = checkout({
      'package.json': JSON.stringify({
        imports: {
          '#shared/*': './shared/*.ts',
          '#kernel/*': './shared/kernel/*.ts',
          '#custody': './shared/custody/index.ts',
          '#app/*': { types: './shared/app/*.ts', default: './shared/app/*.ts' },
        },
      }),
      'shared/config.ts': "import { fail } from './kernel/errors';\nexport const config = fail;\n",
      'shared/kernel/errors.ts': 'export const fail = 1;\nexport type Failure = number;\n',
      'shared/kernel/db/keys.ts': "import { fail } from '../errors';\nexport const key = fail;\n",
      'shared/registry/index.ts': "export { org } from './domain/orgs';\n",
      'shared/registry/domain/orgs.ts': "import type { Failure } from '#kernel/errors';\nexport const org: Failure = 1;\n",
      'shared/custody/index.ts':
        "import { key } from '#kernel/db/keys';\nexport * from '#shared/registry/index';\nexport const k = key;\n",
      'shared/custody/rules.test.ts': "import { routes } from '#app/routes';\nexport const r = routes;\n",
      'shared/app/routes.ts': [
        "import type { org } from '#shared/registry';",
        "import { z } from 'zod';",
        "import type { Other } from '#app/other';",
        "export const routes = async () => [await import('#custody'), z] as const;",
        'export type R = typeof org | Other;',
      ].join('\n'),
      'shared/app/other.ts': 'export type Other = string;\n',
    });
    expect(moduleGraph(root)).toEqual({
      modules: ['app', 'custody', 'kernel', 'registry'],
      edges: [
        { from: 'app', to: 'custody', typeOnly: false },
        { from: 'app', to: 'registry', typeOnly: true },
        { from: 'custody', to: 'kernel', typeOnly: false },
        { from: 'custody', to: 'registry', typeOnly: false },
        { from: 'registry', to: 'kernel', typeOnly: true },
      ],
    });
  });

  it('rewrites only what lies between its markers, and refuses a document without them', () => {
    const document = '# A\n\n<!-- module-map:start -->\nold\n<!-- module-map:end -->\n\ntail\n';
    expect(withModuleMap(document, 'new')).toBe('# A\n\n<!-- module-map:start -->\nnew\n<!-- module-map:end -->\n\ntail\n');
    expect(() => withModuleMap('# A\n', 'new')).toThrow(/markers/);
  });
});

describe('the links of the docs', () => {
  it('resolve, every one of README.md and docs/, to a file and to a heading of it', () => {
    const files = markdownFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/security.md']));
    const links = files.flatMap((file) => linksOf(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(links.filter((link) => link.target.includes('.md')).length).toBeGreaterThan(20);
    expect(brokenLinks(ROOT, files).map((link) => `${link.file}:${link.line} ${link.target}: ${link.why}`)).toEqual([]);
  });

  it('are found in prose only, and each broken one is named with why', () => {
    const root = checkout({
      'docs/a.md': [
        '# Who may call what',
        '## `GET /v1/epcis/events`',
        "## Regulators' inbox",
        '## Notes',
        '## Notes',
        'See [b](b.md#its-heading), [missing](c.md), [no anchor](b.md#nothing), [self](#notes-1),',
        '[code](#get-v1epcisevents), [inbox](#regulators-inbox), [folder](../shots/), [web](https://example.com/x.md).',
        'A code span `[not](a-link.md)` and ``[nor](this.md)`` are not links;',
        '![picture](../shots/missing.png) is.',
        '',
        '```sh',
        'echo [not](in-a-fence.md)',
        '```',
        '',
        '    [not](in-an-indented-block.md)',
        '',
        '- a list item',
        '',
        '    [a](list-continuation.md) is prose',
        '',
        '[ref]: b.md#gone',
      ].join('\n'),
      'docs/b.md': '# Its heading\n',
      'shots/ok.png': '',
    });
    expect(brokenLinks(root).map((link) => `${link.file}:${link.line} ${link.target}: ${link.why}`)).toEqual([
      'docs/a.md:6 c.md: no file docs/c.md',
      'docs/a.md:6 b.md#nothing: no heading #nothing in docs/b.md',
      'docs/a.md:9 ../shots/missing.png: no file shots/missing.png',
      'docs/a.md:19 list-continuation.md: no file docs/list-continuation.md',
      'docs/a.md:21 b.md#gone: no heading #gone in docs/b.md',
    ]);
  });

  it('name headings as GitHub does', () => {
    expect(slugOf('Audit (regulators)')).toBe('audit-regulators');
    expect(slugOf('Custody (part d, scripts/bench/custody*.ts)')).toBe('custody-part-d-scriptsbenchcustodyts');
    expect(slugOf('扫码验真 / Scan to verify')).toBe('扫码验真--scan-to-verify');
    expect([...anchorsOf('# A b\n## A b\n<a id="here"></a>\n```\n# not a heading\n```\n')]).toEqual(['a-b', 'a-b-1', 'here']);
  });
});
