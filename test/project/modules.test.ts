import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The house's shape, enforced. `shared/kernel/` is below everything; each capability
 * (`shared/<feature>/`) may use the kernel, itself, and capabilities before it in
 * MODULE_ORDER, those only through their `index.ts` (the public surface) or `contract.ts`
 * (its pure part: domain and request schemas, which loads no store); `shared/app/` composes them (their
 * public surface, and their http parts: routes and schemas); functions, infra and scripts
 * sit on top. Inside a capability, domain < store < services < http. No import cycle,
 * between files or between folders. Every source file belongs to a module, so a new
 * folder has to be placed here.
 */
const ROOT = resolve(__dirname, '../..');
const MODULE_ORDER = [
  'kernel',
  'registry',
  'inbox',
  'issuance',
  'counterfeit-reports',
  'custody',
  'test-reports',
  'audit',
  'resolver',
  'scans',
  'spot-checks',
  'verification',
  'app',
] as const;
const TOP = ['functions/', 'infra/', 'scripts/'];
const LAYERS = ['domain', 'store', 'services', 'http'];
const SOURCE_DIRS = ['shared', 'functions', 'infra', 'scripts'];

/** The module of a file: a name from MODULE_ORDER, `top`, or undefined when it has none. */
const moduleOf = (path: string): string | undefined => {
  if (TOP.some((prefix) => path.startsWith(prefix))) return 'top';
  const [root, name] = path.split('/');
  return root === 'shared' && MODULE_ORDER.includes(name as (typeof MODULE_ORDER)[number]) && path.split('/').length > 2
    ? name
    : undefined;
};
const rankOf = (module: string): number => (module === 'top' ? MODULE_ORDER.length : MODULE_ORDER.indexOf(module as never));
/** The layer of a capability's file (its first subfolder), or undefined for a flat capability's files and its index. */
const layerOf = (path: string): number | undefined => {
  const parts = path.split('/');
  return parts.length > 3 ? (LAYERS.indexOf(parts[2] ?? '') >= 0 ? LAYERS.indexOf(parts[2] ?? '') : undefined) : undefined;
};

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

const ALIASES = Object.entries(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports,
);

/** The repository-relative file a specifier names, or undefined for a package. */
const resolveSpecifier = (fromFile: string, specifier: string): string | undefined => {
  let base: string | undefined;
  if (specifier.startsWith('.')) base = resolve(ROOT, dirname(fromFile), specifier);
  else if (specifier.startsWith('#')) {
    for (const [key, target] of ALIASES) {
      if (key.endsWith('*') && specifier.startsWith(key.slice(0, -1))) {
        base = resolve(ROOT, target.replace('*', specifier.slice(key.length - 1)).replace(/\.ts$/, ''));
        break;
      }
      if (key === specifier) {
        base = resolve(ROOT, target);
        break;
      }
    }
  }
  if (base === undefined) return undefined;
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
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

/** Imports that break a rule: upward, sideways past an index, or up a capability's layers. */
const violationsOf = (from: string, specifiers: readonly string[]): Violation[] => {
  const source = moduleOf(from);
  return specifiers.flatMap((specifier) => {
    const to = resolveSpecifier(from, specifier);
    const target = to === undefined ? undefined : moduleOf(to);
    if (to === undefined || source === undefined || target === undefined) return [];
    if (rankOf(target) > rankOf(source)) return [{ from, to, why: `${source} must not import ${target}, which comes after it` }];
    if (source === target) {
      const [a, b] = [layerOf(from), layerOf(to)];
      if (source !== 'kernel' && a !== undefined && b !== undefined && b > a) {
        return [{ from, to, why: `${LAYERS[a]} must not import ${LAYERS[b]} inside ${source}` }];
      }
      return [];
    }
    const isFeature = (m: string) => m !== 'kernel' && m !== 'app' && m !== 'top';
    const surfaces = [`shared/${target}/index.ts`, `shared/${target}/contract.ts`];
    // A Lambda entry is an adapter over a capability's surface; scripts and the CDK app may
    // reach further (benchmarks time internals; synthesis must not load a surface's stores).
    const surfaceOnly = source === 'app' || isFeature(source) || from.startsWith('functions/');
    if (isFeature(target) && surfaceOnly && !surfaces.includes(to)) {
      if (source === 'app' && to.startsWith(`shared/${target}/http/`)) return [];
      return [{ from, to, why: `${source} must import ${target} through shared/${target}/index.ts or contract.ts` }];
    }
    return [];
  });
};

/** Strongly connected components of more than one node (or a node importing itself): the cycles. */
const cyclesOf = (graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] => {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    on.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (on.has(next)) low.set(node, Math.min(low.get(node) ?? 0, indexOf.get(next) ?? 0));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
        on.delete(top);
        component.push(top);
        if (top === node) break;
      }
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) connect(node);
  return found;
};

describe('the module graph', () => {
  const files = SOURCE_DIRS.flatMap(sourceFiles);
  const importsOf = new Map(
    files.map((file) => [
      file,
      new Set(
        specifiersOf(file, readFileSync(join(ROOT, file), 'utf8'))
          .map((specifier) => resolveSpecifier(file, specifier))
          .filter((to): to is string => to !== undefined && existsSync(join(ROOT, to))),
      ),
    ]),
  );

  it('places every source file in a module, and finds files in each', () => {
    expect(files.filter((file) => moduleOf(file) === undefined)).toEqual([]);
    for (const module of MODULE_ORDER)
      expect(
        files.some((file) => moduleOf(file) === module),
        module,
      ).toBe(true);
  });

  it('has no import up the module order, past an index, or up a capability layers', () => {
    const violations = files.flatMap((file) => violationsOf(file, specifiersOf(file, readFileSync(join(ROOT, file), 'utf8'))));
    expect(violations.map((v) => `${v.from} imports ${v.to}: ${v.why}`)).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(cyclesOf(importsOf)).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of importsOf) {
      const from = dirname(file);
      const edges = folders.get(from) ?? new Set<string>();
      for (const target of targets) if (dirname(target) !== from) edges.add(dirname(target));
      folders.set(from, edges);
    }
    expect(cyclesOf(folders)).toEqual([]);
  });

  it('never loads the DynamoDB client when the CDK app is synthesized', () => {
    const seen = new Set<string>();
    const pending = files.filter((file) => file.startsWith('infra/'));
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      pending.push(...(importsOf.get(file) ?? []));
    }
    expect(seen.has('shared/kernel/db/item-keys.ts')).toBe(true);
    expect([...seen].filter((file) => file === 'shared/kernel/db/dynamodb-client.ts' || /-repository\.ts$/.test(file))).toEqual(
      [],
    );
  });

  it('names each offending import: upward, sideways past an index, up the layers, through aliases and dynamic imports', () => {
    const source = [
      "import type { X } from '#shared/scans/services/unit-scans';",
      "export { y } from '../../registry/services/registry-service';",
      "const z = await import('../services/chain-service');",
      "import { ok } from '#kernel/codes/gtin';",
      "import { fine } from '#registry';",
      "import { z as zod } from 'zod';",
    ].join('\n');
    expect(violationsOf('shared/custody/domain/example.ts', specifiersOf('example.ts', source))).toEqual([
      {
        from: 'shared/custody/domain/example.ts',
        to: 'shared/scans/services/unit-scans.ts',
        why: 'custody must not import scans, which comes after it',
      },
      {
        from: 'shared/custody/domain/example.ts',
        to: 'shared/registry/services/registry-service.ts',
        why: 'custody must import registry through shared/registry/index.ts or contract.ts',
      },
      {
        from: 'shared/custody/domain/example.ts',
        to: 'shared/custody/services/chain-service.ts',
        why: 'domain must not import services inside custody',
      },
    ]);
  });

  it('keeps every contract pure: no store, no DynamoDB client, however deep', () => {
    const contracts = files.filter((file) => /^shared\/[a-z-]+\/contract\.ts$/.test(file));
    expect(contracts.length).toBeGreaterThan(0);
    for (const contract of contracts) {
      const seen = new Set<string>();
      const pending = [contract];
      for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
        if (seen.has(file)) continue;
        seen.add(file);
        pending.push(...(importsOf.get(file) ?? []));
      }
      expect(
        [...seen].filter((file) => /\/(store|services)\//.test(file) || /-repository\.ts$|dynamodb-client\.ts$/.test(file)),
        contract,
      ).toEqual([]);
    }
  });

  it('holds a Lambda entry to a capability surface, and lets scripts reach further', () => {
    const deep = "import { recordEvents } from '#shared/custody/services/event-job-service';";
    expect(violationsOf('functions/record-events/handler.ts', specifiersOf('h.ts', deep))).toEqual([
      {
        from: 'functions/record-events/handler.ts',
        to: 'shared/custody/services/event-job-service.ts',
        why: 'top must import custody through shared/custody/index.ts or contract.ts',
      },
    ]);
    expect(violationsOf('scripts/bench/example.ts', specifiersOf('b.ts', deep))).toEqual([]);
    expect(violationsOf('functions/record-events/handler.ts', specifiersOf('h.ts', "import { x } from '#custody';"))).toEqual([]);
  });

  it('keeps the kernel below every capability', () => {
    expect(
      violationsOf(
        'shared/kernel/db/example.ts',
        ["import { x } from '#registry';"].flatMap((s) => specifiersOf('e.ts', s)),
      ),
    ).toEqual([
      {
        from: 'shared/kernel/db/example.ts',
        to: 'shared/registry/index.ts',
        why: 'kernel must not import registry, which comes after it',
      },
    ]);
  });

  it('finds a cycle of files and of folders', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('resolves a feature alias to its index and a kernel alias to its file', () => {
    expect(resolveSpecifier('shared/scans/services/x.ts', '#registry')).toBe('shared/registry/index.ts');
    expect(resolveSpecifier('shared/scans/services/x.ts', '#kernel/errors')).toBe('shared/kernel/errors.ts');
  });
});
