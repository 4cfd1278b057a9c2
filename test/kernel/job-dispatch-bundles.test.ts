import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A function that dispatches a job carries no worker: the job pipeline reaches a worker
 * through a queue, or locally through the worker the runtime registered, never through an
 * import from the dispatching code (which used to pull every worker's module graph into the
 * API functions' bundles, lazily wrapped). The bundles are built as sizes are measured,
 * with esbuild, and their inputs read from its metafile.
 */
const ROOT = resolve(__dirname, '../..');
const WORKERS = [
  'shared/custody/services/event-job-worker.ts',
  'shared/issuance/services/issuance-job-worker.ts',
  'shared/audit/services/export-worker.ts',
];
/** The API functions that dispatch, continue or resume a job, and the one that reports an export's progress. */
const DISPATCHING = [
  'record-events',
  'create-batch',
  'get-batch',
  'list-batches',
  'list-batch-codes',
  'create-containers',
  'create-audit-export',
  'get-audit-export',
];

const inputsOf = async (fn: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [join(ROOT, 'functions', fn, 'handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'es2022',
    format: 'cjs',
    write: false,
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  // What the bundle carries: a module a capability's index re-exports but nothing calls is
  // parsed (so it is among the metafile's inputs) and then dropped, adding no byte.
  const output = Object.values(result.metafile.outputs)[0];
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });

describe('the job pipeline keeps workers out of the functions that dispatch', () => {
  it.each(DISPATCHING)('%s bundles no job worker', async (fn) => {
    const inputs = await inputsOf(fn);
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => WORKERS.includes(input))).toEqual([]);
  });

  it('each queue function bundles its own worker', async () => {
    expect(await inputsOf('process-event-job')).toContain(WORKERS[0]);
    expect(await inputsOf('process-issuance-job')).toContain(WORKERS[1]);
    expect(await inputsOf('process-export-job')).toContain(WORKERS[2]);
  });

  it('no module under shared/ loads another with a dynamic import', () => {
    const dynamic: string[] = [];
    for (const path of sourceFiles(join(ROOT, 'shared'))) {
      const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          dynamic.push(`${relative(ROOT, path)}: ${node.getText(file)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    expect(dynamic).toEqual([]);
  });
});
