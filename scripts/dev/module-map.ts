/**
 * The module map of docs/architecture.md, generated from the code: every top-level folder
 * under shared/ is a module (files directly under shared/ belong to `kernel`), and an edge
 * A → B says some file of A imports a file of B. Imports are read with the TypeScript
 * compiler's parser; `#…` specifiers resolve through package.json `imports`, whatever aliases
 * it declares, so the map follows the folders as they are without knowing their names.
 *
 *   npm run docs:module-map              rewrites the diagram between the markers
 *   npm run docs:module-map -- --check   exits 1 when the diagram is stale
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const START_MARKER = '<!-- module-map:start -->';
export const END_MARKER = '<!-- module-map:end -->';
export const MAP_DOCUMENT = 'docs/architecture.md';
/** The folder whose top-level entries are the modules. */
const SOURCE_ROOT = 'shared';
/** Where files directly under SOURCE_ROOT are counted: beside the kernel's own folder, if any. */
const ROOT_FILES_MODULE = 'kernel';

/** One import of a file: its specifier, and whether it brings types only (erased at build). */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

export interface ModuleEdge {
  from: string;
  to: string;
  /** No value crosses it: every import along it is `import type` (or a type-position import). */
  typeOnly: boolean;
}

export interface ModuleGraph {
  modules: string[];
  edges: ModuleEdge[];
}

/** What package.json `imports` maps a `#…` key to: a path, or conditions over paths. */
type ImportTarget = string | null | ImportTarget[] | { [condition: string]: ImportTarget };

const toPosix = (path: string): string => path.split('\\').join('/');

/** The module a repository-relative path belongs to, or undefined outside SOURCE_ROOT. */
export const moduleOf = (path: string): string | undefined => {
  const segments = toPosix(path).split('/');
  if (segments[0] !== SOURCE_ROOT || segments.length < 2) return undefined;
  return segments.length === 2 ? ROOT_FILES_MODULE : segments[1];
};

/** Every module specifier a file names: imports, re-exports, dynamic imports and `import('…')` types. */
export const importsOf = (fileName: string, source: string): ImportRef[] => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNamedTypeOnly =
        bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((element) => element.isTypeOnly);
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && everyNamedTypeOnly && bindings !== undefined));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const everyNamedTypeOnly = clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || everyNamedTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

/** The first path a target names for an `import` from Node (conditions in declaration order). */
const targetPath = (target: ImportTarget): string | undefined => {
  if (typeof target === 'string') return target;
  if (target === null) return undefined;
  if (Array.isArray(target)) return target.map(targetPath).find((path) => path !== undefined);
  for (const [condition, value] of Object.entries(target)) {
    if (['import', 'node', 'default', 'types'].includes(condition)) {
      const path = targetPath(value);
      if (path !== undefined) return path;
    }
  }
  return undefined;
};

/**
 * Resolves a `#…` specifier as Node does against package.json `imports`: an exact key first,
 * else the pattern key (one `*`) with the longest prefix before its `*`.
 */
export const aliasResolver = (imports: Record<string, ImportTarget>) => {
  const patterns = Object.keys(imports)
    .filter((key) => key.split('*').length === 2)
    .sort((a, b) => b.indexOf('*') - a.indexOf('*'));
  return (specifier: string): string | undefined => {
    const exact = imports[specifier];
    if (exact !== undefined && !specifier.includes('*')) return targetPath(exact);
    for (const key of patterns) {
      const [prefix = '', suffix = ''] = key.split('*');
      if (specifier.length < prefix.length + suffix.length) continue;
      if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
      const match = specifier.slice(prefix.length, specifier.length - suffix.length);
      const target = imports[key];
      const path = target === undefined ? undefined : targetPath(target);
      return path?.split('*').join(match);
    }
    return undefined;
  };
};

/** The repository-relative source file a specifier names, or undefined for a package. */
export const resolveImport = (
  root: string,
  fromFile: string,
  specifier: string,
  alias: (specifier: string) => string | undefined,
): string | undefined => {
  let base: string;
  if (specifier.startsWith('#')) {
    const target = alias(specifier);
    if (target === undefined) return undefined;
    base = resolve(root, target);
  } else if (specifier.startsWith('.')) base = resolve(root, dirname(fromFile), specifier);
  else return undefined;
  const candidates = [
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
    base.replace(/\.js$/, '.ts'),
    join(base.replace(/\.ts$/, ''), 'index.ts'),
  ];
  const hit = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return hit === undefined ? undefined : toPosix(relative(root, hit));
};

const isSource = (name: string): boolean => /\.tsx?$/.test(name) && !/\.d\.ts$|\.(test|spec)\.tsx?$/.test(name);

const sourceFiles = (root: string, dir: string): string[] =>
  readdirSync(join(root, dir))
    .sort()
    .flatMap((name) => {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) return sourceFiles(root, path);
      return isSource(name) ? [path] : [];
    });

/** The modules under shared/ and the imports between them, as the code at `root` has them. */
export const moduleGraph = (root: string): ModuleGraph => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports?: Record<string, ImportTarget> };
  const alias = aliasResolver(manifest.imports ?? {});
  const modules = new Set<string>();
  const edges = new Map<string, ModuleEdge>();
  for (const file of sourceFiles(root, SOURCE_ROOT)) {
    const from = moduleOf(file);
    if (from === undefined) continue;
    modules.add(from);
    for (const { specifier, typeOnly } of importsOf(file, readFileSync(join(root, file), 'utf8'))) {
      const target = resolveImport(root, file, specifier, alias);
      const to = target === undefined ? undefined : moduleOf(target);
      if (to === undefined || to === from) continue;
      const key = `${from}\u0000${to}`;
      const seen = edges.get(key);
      edges.set(key, { from, to, typeOnly: (seen?.typeOnly ?? true) && typeOnly });
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    modules: [...modules].sort(byName),
    edges: [...edges.values()].sort((a, b) => byName(a.from, b.from) || byName(a.to, b.to)),
  };
};

/** A Mermaid node id: letters, digits and underscores only (module names may hold hyphens). */
const nodeId = (module: string): string => module.replace(/[^A-Za-z0-9]/g, '_');

/** The Mermaid flowchart of a graph; a dashed arrow carries types only. */
export const renderModuleMap = (graph: ModuleGraph): string =>
  [
    '```mermaid',
    'flowchart TD',
    ...graph.modules.map((module) => `  ${nodeId(module)}["${module}"]`),
    ...graph.edges.map((edge) => `  ${nodeId(edge.from)} ${edge.typeOnly ? '-.->' : '-->'} ${nodeId(edge.to)}`),
    '```',
  ].join('\n');

/** The document with the text between the markers replaced by `diagram`. */
export const withModuleMap = (document: string, diagram: string): string => {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`${MAP_DOCUMENT} needs the markers ${START_MARKER} and ${END_MARKER}, in that order`);
  }
  return `${document.slice(0, start + START_MARKER.length)}\n${diagram}\n${document.slice(end)}`;
};

export interface ModuleMapCheck {
  /** The document as it is, and as the generator would write it. */
  current: string;
  expected: string;
  stale: boolean;
}

export const checkModuleMap = (root: string): ModuleMapCheck => {
  const current = readFileSync(join(root, MAP_DOCUMENT), 'utf8');
  const expected = withModuleMap(current, renderModuleMap(moduleGraph(root)));
  return { current, expected, stale: current !== expected };
};

const main = (args: readonly string[]): number => {
  const root = resolve(import.meta.dirname, '../..');
  const { expected, stale } = checkModuleMap(root);
  if (args.includes('--check')) {
    if (stale) console.error(`${MAP_DOCUMENT}: the module map is stale; run npm run docs:module-map`);
    return stale ? 1 : 0;
  }
  if (stale) writeFileSync(join(root, MAP_DOCUMENT), expected);
  console.log(`${MAP_DOCUMENT}: module map ${stale ? 'updated' : 'already current'}`);
  return 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
