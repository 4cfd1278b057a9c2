import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../scripts/local/runtime';

/**
 * `npm start` on a shared machine: nothing listens beyond loopback, DATA_DIR is private,
 * and the gateway answers a malformed path as API Gateway does.
 */
const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];
afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const startRuntime = async (dataDir: string) => {
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    tableName: process.env.TABLE_NAME,
  });
  runtimes.push(runtime);
  return runtime;
};

const LOOPBACK = new Set([
  '0100007F', // 127.0.0.1 in /proc/net/tcp's byte order
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
  '00000000000000000000000001000000', // ::1
]);

/** The local addresses every socket listening on `port` is bound to, from the kernel's own tables. */
const listeningAddresses = (port: number): string[] => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => (fields[1] ?? '').split(':')[0] ?? ''),
  );
};

const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

const nonLoopbackAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a?.address ?? '');

describe('nothing listens beyond loopback', () => {
  it('DynamoDB Local (started by startDynamoDbLocal, as npm start does) is bound to 127.0.0.1 only', async () => {
    const port = Number(new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '').port);
    const bound = listeningAddresses(port);
    expect(bound.length).toBeGreaterThan(0);
    for (const address of bound) expect(LOOPBACK.has(address), `bound to ${address}`).toBe(true);
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    // This machine's other addresses, where one exists, cannot reach it.
    for (const address of nonLoopbackAddresses()) expect(await canConnect(address, port), address).toBe(false);
  });

  it('the gateway is bound to 127.0.0.1 only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-safety-'));
    dirs.push(dataDir);
    const runtime = await startRuntime(dataDir);
    const port = Number(new URL(runtime.url).port);
    const bound = listeningAddresses(port);
    expect(bound.length).toBeGreaterThan(0);
    for (const address of bound) expect(LOOPBACK.has(address), `bound to ${address}`).toBe(true);
    for (const address of nonLoopbackAddresses()) expect(await canConnect(address, port), address).toBe(false);
  });
});

describe('DATA_DIR is private', () => {
  it('is created 0700 (with any missing parents)', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'traceseal-safety-'));
    dirs.push(parent);
    const dataDir = join(parent, 'fresh', 'data');
    await startRuntime(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it('an existing DATA_DIR open to others is tightened to 0700', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'traceseal-safety-'));
    dirs.push(parent);
    const dataDir = join(parent, 'open');
    await mkdir(dataDir);
    await chmod(dataDir, 0o777);
    await startRuntime(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });
});

describe('malformed percent-encoding in a path', () => {
  const paths = [
    '/01/06952012345683/10/%ZZ/21/a',
    '/01/06952012345683/10/L1/21/%',
    '/01/06952012345683/10/%C3/21/a', // valid escape, but not UTF-8
    '/00/%E0%A4%A',
    '/v1/batches/%ZZ',
    '/v1/chain/01/%GG/10/a/21/b',
    '/nowhere/%ZZ',
  ];

  it('is a 400 from the gateway, before routing and authorization, as API Gateway answers it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-safety-'));
    dirs.push(dataDir);
    const runtime = await startRuntime(dataDir);
    for (const path of paths) {
      const res = await fetch(`${runtime.url}${path}`, { headers: { accept: 'application/json' } });
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 400,
        body: { message: 'Bad Request' },
      });
    }
    // Well-formed escapes still reach the handler, decoded.
    const encoded = await fetch(`${runtime.url}/01/06952012345683/10/L%2D1/21/a`, { headers: { accept: 'application/json' } });
    expect(encoded.status).toBe(400);
    expect(((await encoded.json()) as { error?: { code: string } }).error?.code).toBeDefined();
  });
});
