import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  DataDirInUseError,
  EXIT_DATA_DIR_IN_USE,
  isRunning,
  LOCK_FILE,
  type LockHolder,
} from '../../scripts/local/data-dir-lock';
import { startDynamoDbLocal } from '../../scripts/local/dynamodb-local';
import { startLocalRuntime } from '../../scripts/local/runtime';

/**
 * `npm start` as a terminal runs it, in a child process: however it ends (the terminal closed,
 * kill -9), its DynamoDB Local ends too, and a second start on the same DATA_DIR is refused
 * while the first lives, or takes over once it is gone. Every wait is for a condition, with
 * deadlines generous enough for JVM starts on a loaded machine.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const npmStart = (dataDir: string): Started => {
  // As `npm start` runs it: tsx scripts/start.ts, with a free port and this DATA_DIR.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
};

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (generous: it only bounds a hang). */
const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 240_000): Promise<void> => {
  await vi.waitUntil(check, { timeout: timeoutMs, interval: 100 }).catch((error: unknown) => {
    throw new Error(`Timed out waiting for ${what}`, { cause: error });
  });
};

const readLock = async (dataDir: string): Promise<LockHolder | undefined> =>
  readFile(join(dataDir, LOCK_FILE), 'utf8').then(
    (text) => JSON.parse(text) as LockHolder,
    () => undefined,
  );

/** Starts the service and waits until it is up: its banner printed, its database named in the lock. */
const startUp = async (dataDir: string): Promise<Started & { javaPid: number }> => {
  const started = npmStart(dataDir);
  let exit: unknown;
  void started.exited.then((e) => (exit = e));
  await waitFor('the service to print its banner', () => {
    if (exit !== undefined) throw new Error(`npm start exited ${JSON.stringify(exit)}: ${started.output()}`);
    return started.output().includes('Stop with Ctrl-C.');
  });
  const lock = await readLock(dataDir);
  expect(lock?.pid).toBe(started.child.pid);
  const javaPid = lock?.dynamo?.pid ?? 0;
  expect(isRunning(javaPid)).toBe(true);
  return { ...started, javaPid };
};

describe('npm start cleans up after itself', () => {
  it('refuses a second start on a DATA_DIR in use, and a closed terminal (SIGHUP) stops its DynamoDB Local', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-signals-'));
    dirs.push(dataDir);
    const first = await startUp(dataDir);

    const second = npmStart(dataDir);
    expect(await second.exited).toEqual({ code: EXIT_DATA_DIR_IN_USE, signal: null });
    expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by another TraceSeal (process ${first.child.pid}`);
    // The refused start touched nothing: the first still holds the lock and answers.
    expect((await readLock(dataDir))?.pid).toBe(first.child.pid);
    const url = /running on (http:\/\/localhost:\d+)/.exec(first.output())?.[1] ?? '';
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200);

    first.child.kill('SIGHUP');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await waitFor('DynamoDB Local to stop', () => !isRunning(first.javaPid));
    expect(await readLock(dataDir)).toBeUndefined();
  }, 600_000);

  it('a killed service (kill -9) takes its DynamoDB Local with it, and the next start takes over its stale lock', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-signals-'));
    dirs.push(dataDir);
    const first = await startUp(dataDir);
    first.child.kill('SIGKILL');
    await first.exited;
    // No handler ran: the database notices its parent's end by itself.
    await waitFor('the orphaned DynamoDB Local to stop', () => !isRunning(first.javaPid));

    const next = await startUp(dataDir);
    expect(next.output()).toContain(`was left locked by process ${first.child.pid}`);
    expect(next.output()).toContain('taking it over');
    // The demo data of the first start is still there: the same DATA_DIR, not a new one.
    expect(next.output()).toContain('Demo data:');
    next.child.kill('SIGTERM');
    expect(await next.exited).toEqual({ code: 0, signal: null });
    await waitFor('DynamoDB Local to stop', () => !isRunning(next.javaPid));
  }, 600_000);

  it('refuses a DATA_DIR whose database an older version left running without a lock', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-signals-'));
    dirs.push(dataDir);
    // What a closed terminal left behind before: a DynamoDB Local on DATA_DIR's files, no lock.
    const leftover = await startDynamoDbLocal({ dbPath: join(dataDir, 'dynamodb') });
    try {
      const refused = startLocalRuntime({ port: 0, dataDir });
      await expect(refused).rejects.toThrow(DataDirInUseError);
      await expect(refused).rejects.toThrow(`a DynamoDB Local (process ${leftover.pid}) left running on ${dataDir}/dynamodb`);
      // Refused before anything started: the lock is free again.
      expect(await readLock(dataDir)).toBeUndefined();
    } finally {
      await leftover.stop();
    }
  }, 600_000);
});
