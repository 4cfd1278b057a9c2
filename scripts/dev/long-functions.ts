/**
 * npx tsx scripts/dev/long-functions.ts [--max <lines>] [folder ...]
 *
 * Lists every function, method, accessor and constructor longer than --max lines (60 by
 * default) under the given folders (shared, functions, infra and scripts by default),
 * longest first, as `lines  file:line  name`. A length counts the lines from the
 * declaration's first line to its closing brace, so a function's doc comment is not
 * counted and a nested function is counted both on its own and inside its parent.
 * Exits 0 whatever it finds: it is a map for a reader, not a gate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', '.data', 'coverage']);

const sourceFiles = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

const propertyName = (name: ts.PropertyName | ts.BindingName, source: ts.SourceFile) =>
  ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText(source);

/** The class a member belongs to, for `Class.method` and `Class.constructor`. */
const ownerPrefix = (node: ts.Node) => {
  const owner = node.parent;
  return (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) && owner.name ? `${owner.name.text}.` : '';
};

/** A readable name: the declaration's own, or what an anonymous function is assigned or passed to. */
const nameOf = (node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string => {
  if (ts.isConstructorDeclaration(node)) return `${ownerPrefix(node)}constructor`;
  if (node.name !== undefined) return `${ownerPrefix(node)}${propertyName(node.name, source)}`;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return `${ts.isPropertyDeclaration(parent) ? ownerPrefix(parent) : ''}${propertyName(parent.name, source)}`;
  }
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(source).replace(/\s+/g, '');
    return `<callback of ${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee}>`;
  }
  return '<anonymous>';
};

const lineOf = (source: ts.SourceFile, position: number) => source.getLineAndCharacterOfPosition(position).line + 1;

/** Every function-like declaration in one file with its length in lines. */
export const functionsIn = (file: string, text: string): LongFunction[] => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const declaration = node as ts.FunctionLikeDeclaration;
      const line = lineOf(source, declaration.getStart(source));
      found.push({ file, line, name: nameOf(declaration, source), lines: lineOf(source, declaration.getEnd()) - line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

/** The functions over `max` lines under `folders`, longest first (then by file and line, for a stable list). */
export const longFunctions = (root: string, folders: readonly string[], max: number): LongFunction[] =>
  folders
    .flatMap((folder) => sourceFiles(join(root, folder)))
    .flatMap((path) => functionsIn(relative(root, path), readFileSync(path, 'utf8')))
    .filter((fn) => fn.lines > max)
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);

const main = () => {
  const { values, positionals } = parseArgs({ options: { max: { type: 'string', default: '60' } }, allowPositionals: true });
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) {
    process.stderr.write('usage: long-functions.ts [--max <lines>] [folder ...]\n');
    process.exit(2);
  }
  const folders = positionals.length > 0 ? positionals : ['shared', 'functions', 'infra', 'scripts'];
  const found = longFunctions(process.cwd(), folders, max);
  for (const fn of found) process.stdout.write(`${String(fn.lines).padStart(4)}  ${fn.file}:${fn.line}  ${fn.name}\n`);
  process.stdout.write(`${found.length} function${found.length === 1 ? '' : 's'} over ${max} lines in ${folders.join(', ')}\n`);
};

if (import.meta.url === `file://${process.argv[1]}`) main();
