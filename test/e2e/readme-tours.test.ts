import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/local/dynamodb-local';
import { type BlockRun, jsonLines, type TourBlock, TourShell, tourBlocks } from '../support/readme-tours';

/**
 * The README's tours, verbatim: every ```sh tour=… block, in order, in one bash, against a
 * fresh `npm start` on a free port (the only change to a command is that port in place of
 * 3000). Each block's answers are checked below; a block without checks fails the test, so a
 * tour cannot grow commands nobody runs.
 */
const REPO = resolve(import.meta.dirname, '../..');
/** The checkpoint step waits out the settle margin (2 minutes) after the last event. */
const TOURS_TIMEOUT_MS = 10 * 60 * 1000;

const blocks = tourBlocks(await readFile(join(REPO, 'README.md'), 'utf8'));

let service: ChildProcess | undefined;
let serviceExited: Promise<void> | undefined;
let shell: TourShell | undefined;
let port = 0;
const dirs: string[] = [];

/** What a shell of a person following the README has: no test settings leak into it. */
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TERM', 'JAVA_HOME'];
  return {
    ...Object.fromEntries(keep.flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]]]))),
    ...extra,
  };
};

beforeAll(async () => {
  port = await findFreePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-tours-data-'));
  // The tours write files (labels, exports) where they run: a directory that holds the
  // checkout's entries as links, so the checkout itself stays clean.
  const workDir = await mkdtemp(join(tmpdir(), 'traceseal-tours-cwd-'));
  dirs.push(dataDir, workDir);
  for (const entry of await readdir(REPO)) {
    if (entry === '.git' || entry === '.data') continue;
    // The CLI scripts run only when invoked as themselves (their path is argv[1]), which a
    // link to their directory would not be: they are copied.
    if (entry === 'scripts') await cp(join(REPO, entry), join(workDir, entry), { recursive: true });
    else await symlink(join(REPO, entry), join(workDir, entry));
  }
  const env = cleanEnv({ DATA_DIR: dataDir, PORT: String(port), TRACESEAL_URL: `http://localhost:${port}` });
  const started = spawn('npm', ['start'], { cwd: workDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  service = started;
  serviceExited = new Promise((done) => started.once('exit', () => done()));
  let output = '';
  await new Promise<void>((ready, failed) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Stop with Ctrl-C')) ready();
    };
    started.stdout?.on('data', onData);
    started.stderr?.on('data', onData);
    started.once('exit', (code) => failed(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
  });
  shell = new TourShell({ cwd: workDir, env });
}, 180_000);

afterAll(async () => {
  shell?.close();
  if (service?.pid !== undefined && service.exitCode === null) {
    // Ctrl-C, as the README says: the group gets it, and npm start stops DynamoDB Local with it.
    process.kill(-service.pid, 'SIGINT');
    await serviceExited;
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}, 60_000);

const runBlock = async (block: TourBlock): Promise<BlockRun> => {
  if (shell === undefined) throw new Error('the tour shell did not start');
  return shell.run(block.script.replaceAll('localhost:3000', `localhost:${port}`));
};

type Json = Record<string, unknown>;
const objects = (run: BlockRun): Json[] => jsonLines(run.stdout).filter((v): v is Json => typeof v === 'object' && v !== null);
const summaries = (run: BlockRun) => objects(run).filter((v) => 'recorded' in v);
const allRecorded = (run: BlockRun, count: number) =>
  expect(summaries(run)).toEqual(Array.from({ length: count }, () => ({ recorded: 1, duplicate: 0, rejected: 0 })));

/** Per tour, per block (in README order): what its answers must say. */
const checks: Record<string, ((run: BlockRun) => void)[]> = {
  factory: [
    (run) => {
      // The demo lot npm start seeded.
      expect(objects(run)).toEqual([expect.objectContaining({ lot: 'L2026-11A', count: 20 })]);
    },
    (run) => {
      expect(objects(run)[0]).toMatchObject({ gtin: '06952012345683' });
      expect(run.stdout.trim().split('\n').at(-1)?.trim()).toBe('24');
    },
    (run) => {
      const [scan, , chain] = objects(run);
      expect(scan).toMatchObject({ status: 'genuine' });
      expect(scan?.lot).toMatch(/^L\d{6}-B$/);
      allRecorded(run, 1);
      expect(chain).toMatchObject({ steps: ['commissioning', 'shipping'], check: { valid: true } });
    },
  ],
  distributor: [
    (run) => {
      expect(jsonLines(run.stdout)[0]).toBe(12);
      allRecorded(run, 1);
    },
    (run) => allRecorded(run, 1),
    (run) => {
      allRecorded(run, 1);
      expect(jsonLines(run.stdout).at(-1)).toEqual([{ kind: 'unit', status: 'held', count: 6 }]);
    },
  ],
  regulator: [
    (run) => {
      // The factory's events and the shipment to the Hefei shop are Anhui's; the distributor's
      // receipt in Shanghai is not.
      expect(jsonLines(run.stdout)[0]).toEqual(['shipping', 'shipping']);
    },
    (run) => {
      const last = objects(run).at(-1);
      // Every event of the tours: two shipments, a receipt, a packing.
      expect(last).toMatchObject({ treeSize: expect.any(Number) });
      expect(Number(last?.treeSize)).toBeGreaterThanOrEqual(4);
      expect(run.status).toBe(0);
    },
    (run) => {
      expect(run.stdout).toMatch(/✓/);
      expect(run.stdout).not.toMatch(/✗/);
      expect(run.status).toBe(0);
    },
    (run) => {
      const [inbox, moved] = jsonLines(run.stdout) as [Json[], Json];
      expect(inbox).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'report', status: 'new' })]));
      expect(moved).toMatchObject({ entry: { status: 'investigating' } });
    },
    (run) => {
      const [fixed, revealed] = objects(run);
      expect(fixed).toEqual({ status: 'fixed' });
      // The demo lot and the factory tour's lot are the province's lots: both are drawn.
      expect(revealed).toMatchObject({ status: 'drawn', targets: expect.any(Array) });
      expect((revealed?.targets as unknown[]).length).toBe(2);
      expect(run.stderr).toContain('OK: the published draw follows from its secret');
      expect(run.status).toBe(0);
    },
  ],
};

describe('the README tours, verbatim on a fresh npm start', () => {
  it('has tours for the factory, the distributor and the regulator, every block checked', () => {
    const tours = [...new Set(blocks.map((block) => block.tour))];
    expect(tours).toEqual(['factory', 'distributor', 'regulator']);
    for (const block of blocks) expect(checks[block.tour]?.[block.index], `README line ${block.line}`).toBeTypeOf('function');
    for (const [tour, list] of Object.entries(checks)) {
      expect(list.length, tour).toBe(blocks.filter((block) => block.tour === tour).length);
    }
  });

  it(
    'runs every block in order and each answers as the README says',
    async () => {
      for (const block of blocks) {
        const run = await runBlock(block);
        const where = `${block.tour} tour, block ${block.index + 1} (README line ${block.line})`;
        try {
          checks[block.tour]?.[block.index]?.(run);
        } catch (error) {
          throw new Error(`${where}:\n${String(error)}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
        }
      }
    },
    TOURS_TIMEOUT_MS,
  );
});
