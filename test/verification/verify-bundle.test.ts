import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The verify function answers every public scan the CDN has not cached, so what its bundle
 * carries is paid on every cold start. Built as the CDK construct builds it
 * (infra/constructs/traceseal-function.ts), it must not carry zod or the route table, and
 * must stay within its size goal (its init time is measured by `npm run bench`).
 */
const ENTRY = fileURLToPath(new URL('../../functions/verify-code/handler.ts', import.meta.url));
const GOAL_BYTES = 600 * 1024;

describe('the verify function bundle', () => {
  it('carries neither zod nor the route table and its schemas, and stays within 600 KB minified', async () => {
    const result = await build({
      entryPoints: [ENTRY],
      outfile: '/tmp/verify-code-bundle/index.js',
      bundle: true,
      platform: 'node',
      target: 'es2022',
      format: 'cjs',
      minify: true,
      charset: 'utf8',
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    const modules = Object.keys(output?.inputs ?? {});
    expect(modules.some((path) => path.includes('functions/verify-code/handler.ts'))).toBe(true);
    expect(modules.filter((path) => /node_modules\/zod\//.test(path))).toEqual([]);
    expect(
      modules.filter((path) => /shared\/http\/(routes|resolver-routes|openapi)\.ts$|shared\/http\/schemas\//.test(path)),
    ).toEqual([]);
    expect(output?.bytes).toBeLessThanOrEqual(GOAL_BYTES);
  });
});
