/**
 * The bundles part of `npm run bench` (skip it with --no-bundles): every function's bundle as the CDK
 * construct makes it (infra/constructs/traceseal-function.ts: local esbuild, CJS, es2022,
 * minified, linked source map, nothing external), its size, and how long a fresh Node
 * process takes to initialize it (require() of the bundle, with --enable-source-maps as
 * the construct sets NODE_OPTIONS), beside a bare DynamoDB GetItem handler bundled the same
 * way (bare-handler.ts). Fresh processes, interleaved rounds, medians; each ratio is taken
 * within a round. Goals: verify-code ≤ 600 KB, its initialization ≤ 1.1× the bare handler's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median, spread } from './measure';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BARE = '(bare GetItem handler)';
export const BUNDLE_ROUNDS = 7;
export const GOAL_VERIFY_BYTES = 600 * 1024;
export const GOAL_INIT_RATIO = 1.1;

export interface BundleFigure {
  name: string;
  bytes: number;
  initMs: number;
  initRange: [number, number];
  /** Median of the per-round ratio to the bare handler. */
  initRatio: number;
  /** The largest packages in the bundle, for the verbose listing. */
  top: [string, number][];
  error?: string;
}

export interface BundlesResult {
  rounds: number;
  figures: BundleFigure[];
}

/** The construct's bundling options (NodejsFunction with the `bundling` block of TraceSealFunction). */
const bundle = async (entry: string, outdir: string) => {
  const result = await build({
    entryPoints: [entry],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'es2022',
    format: 'cjs',
    minify: true,
    // As the construct's Charset.UTF8: the verify page's Chinese is 3 bytes a character, not a
    // 6-byte escape, so measuring without it overstates every bundle that carries Chinese.
    charset: 'utf8',
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'));
  if (output === undefined) throw new Error(`no output for ${entry}`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output[1].inputs)) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return { file: join(outdir, 'index.js'), bytes: output[1].bytes, top };
};

// Module initialization as Lambda's runtime does it: require() of the handler file, timed inside the process.
const PROBE = `const t0 = performance.now(); require(process.argv[1]); process.stdout.write(String(performance.now() - t0));`;
/** What handlers may read while loading; none is used to reach anything. */
const PROBE_ENV = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'bench',
  VERIFY_BASE_URL: 'https://verify.example',
  NODE_OPTIONS: '--enable-source-maps',
  LOG_LEVEL: 'silent',
  // The functions that place scans and reports load the offline IP database at init, as in
  // Lambda, where the construct ships it beside the bundle; here it is read where npm put it.
  IP2REGION_DATA_DIR: join(ROOT, 'node_modules', 'ip2region', 'data'),
  // The SDK warns about Node 20 on every load; Lambda runs Node 24, where it does not.
  NODE_NO_WARNINGS: '1',
};

const initOnce = (file: string): number =>
  Number(
    execFileSync(process.execPath, ['-e', PROBE, file], {
      env: PROBE_ENV,
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );

export const benchBundles = async (): Promise<BundlesResult> => {
  const dir = await mkdtemp(join(tmpdir(), 'traceseal-bundles-'));
  try {
    const names = (await readdir(join(ROOT, 'functions'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const entries: [string, string][] = [
      [BARE, join(ROOT, 'scripts/bench/bare-handler.ts')],
      ...names.map((name): [string, string] => [name, join(ROOT, 'functions', name, 'handler.ts')]),
    ];
    const built = new Map<string, Awaited<ReturnType<typeof bundle>>>();
    const errors = new Map<string, string>();
    for (const [i, [name, entry]] of entries.entries()) {
      try {
        const output = await bundle(entry, join(dir, String(i)));
        initOnce(output.file); // loads without throwing, and warms the file cache
        built.set(name, output);
      } catch (error) {
        errors.set(name, (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed');
      }
    }
    const timed = [...built.keys()];
    const times = new Map<string, number[]>(timed.map((name) => [name, []]));
    const ratios = new Map<string, number[]>(timed.map((name) => [name, []]));
    for (let round = 0; round < BUNDLE_ROUNDS; round++) {
      // Rotated each round, so no function always follows another.
      const order = timed.map((_, i) => timed[(i + round) % timed.length] ?? BARE);
      const thisRound = new Map<string, number>();
      for (const name of order) {
        const output = built.get(name);
        if (output !== undefined) thisRound.set(name, initOnce(output.file));
      }
      const bare = thisRound.get(BARE) ?? Number.NaN;
      for (const [name, ms] of thisRound) {
        times.get(name)?.push(ms);
        ratios.get(name)?.push(ms / bare);
      }
    }
    const figures = entries.map(([name]): BundleFigure => {
      const output = built.get(name);
      const ms = times.get(name) ?? [];
      if (output === undefined) {
        return { name, bytes: 0, initMs: Number.NaN, initRange: [0, 0], initRatio: Number.NaN, top: [], error: errors.get(name) };
      }
      return {
        name,
        bytes: output.bytes,
        initMs: median(ms),
        initRange: spread(ms),
        initRatio: median(ratios.get(name) ?? []),
        top: output.top,
      };
    });
    return { rounds: BUNDLE_ROUNDS, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
