import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first: a file may import its own layer and any lower one, never a
 * higher one. Every source file belongs to exactly one, so a new folder has to be placed.
 */
const ROOT = resolve(__dirname, '../..');
const under =
  (...prefixes: string[]) =>
  (path: string) =>
    prefixes.some((prefix) => path.startsWith(prefix));
const LAYERS: readonly { name: string; rank: number; matches: (path: string) => boolean }[] = [
  // The error hierarchy, configuration and logging: everything may use them, they use nothing.
  { name: 'foundation', rank: -1, matches: under('shared/errors.ts', 'shared/config.ts', 'shared/logger.ts') },
  { name: 'codes', rank: 0, matches: under('shared/codes/') },
  // Who the caller is (role, organization), and why a token was refused, are domain notions,
  // read by services and http alike.
  {
    name: 'domain/custody',
    rank: 1,
    matches: under('shared/domain/', 'shared/custody/', 'shared/auth/principal.ts', 'shared/auth/token-refusals.ts'),
  },
  { name: 'store', rank: 2, matches: under('shared/store/') },
  // Signing keys and app-client provisioning are adapters the services call, over the store.
  { name: 'services', rank: 3, matches: under('shared/services/', 'shared/keys/', 'shared/auth/org-client-provisioner.ts') },
  // The authorizer decides per route of the route table.
  { name: 'http', rank: 4, matches: under('shared/http/', 'shared/auth/authorizer.ts') },
  { name: 'functions/infra/scripts', rank: 5, matches: under('functions/', 'infra/', 'scripts/') },
];
const SOURCE_DIRS = ['shared', 'functions', 'infra', 'scripts'];

const layerOf = (path: string) => LAYERS.find((layer) => layer.matches(path));

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });

/** Every module specifier a file names: imports, re-exports and dynamic imports. */
const specifiersOf = (fileName: string, source: string): string[] => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

/** The repository-relative file a specifier names, or undefined for a package. */
const resolveSpecifier = (fromFile: string, specifier: string): string | undefined => {
  let base: string;
  if (specifier.startsWith('#shared/')) base = join(ROOT, 'shared', specifier.slice('#shared/'.length));
  else if (specifier.startsWith('.')) base = resolve(ROOT, dirname(fromFile), specifier);
  else return undefined;
  const candidates = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  const hit = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return relative(ROOT, hit ?? `${base}.ts`)
    .split('\\')
    .join('/');
};

interface Violation {
  from: string;
  to: string;
  why: string;
}

/** Imports that break a rule: a lower layer reaching up, or the store reaching custody's rules. */
const violationsOf = (from: string, specifiers: readonly string[]): Violation[] => {
  const layer = layerOf(from);
  return specifiers.flatMap((specifier) => {
    const to = resolveSpecifier(from, specifier);
    if (to === undefined) return [];
    const target = layerOf(to);
    if (layer !== undefined && target !== undefined && target.rank > layer.rank) {
      return [{ from, to, why: `${layer.name} must not import ${target.name}` }];
    }
    // Custody is below the store, so its types are fine there; its rules are not the store's business.
    if (from.startsWith('shared/store/') && to === 'shared/custody/rules.ts') {
      return [{ from, to, why: 'the store must not import custody rules' }];
    }
    return [];
  });
};

describe('the import graph', () => {
  const files = SOURCE_DIRS.flatMap(sourceFiles);

  it('places every source file in a layer, and finds files in each', () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
    for (const layer of LAYERS)
      expect(
        files.some((file) => layer.matches(file)),
        layer.name,
      ).toBe(true);
  });

  it('has no import from a lower layer into a higher one', () => {
    const violations = files.flatMap((file) => violationsOf(file, specifiersOf(file, readFileSync(join(ROOT, file), 'utf8'))));
    expect(violations.map((v) => `${v.from} imports ${v.to}: ${v.why}`)).toEqual([]);
  });

  it('never loads the DynamoDB client when the CDK app is synthesized', () => {
    const seen = new Set<string>();
    const pending = files.filter((file) => file.startsWith('infra/'));
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file) || !existsSync(join(ROOT, file))) continue;
      seen.add(file);
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const specifier of specifiersOf(file, source)) {
        const to = resolveSpecifier(file, specifier);
        if (to !== undefined) pending.push(to);
      }
    }
    expect(seen.has('shared/store/keys.ts')).toBe(true);
    expect([...seen].filter((file) => file === 'shared/store/dynamodb-client.ts' || /-repository\.ts$/.test(file))).toEqual([]);
  });

  it('names each offending import, including re-exports, dynamic imports and #shared aliases', () => {
    const source = [
      "import type { X } from '../services/chain-service';",
      "export { y } from '#shared/http/routes';",
      "const z = await import('../store/keys');",
      "import { ok } from '../codes/gtin';",
      "import { z as zod } from 'zod';",
    ].join('\n');
    expect(violationsOf('shared/domain/example.ts', specifiersOf('example.ts', source))).toEqual([
      {
        from: 'shared/domain/example.ts',
        to: 'shared/services/chain-service.ts',
        why: 'domain/custody must not import services',
      },
      { from: 'shared/domain/example.ts', to: 'shared/http/routes.ts', why: 'domain/custody must not import http' },
      { from: 'shared/domain/example.ts', to: 'shared/store/keys.ts', why: 'domain/custody must not import store' },
    ]);
  });

  it('refuses custody rules in the store, but not custody types', () => {
    const source = "import type { Transition } from '../custody/rules';\nimport type { SubjectState } from '../custody/types';";
    expect(violationsOf('shared/store/example.ts', specifiersOf('example.ts', source))).toEqual([
      { from: 'shared/store/example.ts', to: 'shared/custody/rules.ts', why: 'the store must not import custody rules' },
    ]);
  });

  it('resolves a directory import to its index', () => {
    expect(resolveSpecifier('shared/http/routes.ts', './schemas')).toBe('shared/http/schemas/index.ts');
  });
});
