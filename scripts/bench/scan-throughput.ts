/**
 * The scan-throughput part of `npm run bench` (skip it with --no-scan): public scans through the local
 * gateway, measured with autocannon from a separate process (scan-load.ts).
 *  - Throughput: valid, distinct unit codes (nothing in front caches them) against the same
 *    gateway code answering a constant from a stand-in verify function: the ratio is what
 *    the verify handler costs on top of gateway, authorizer and HTTP; with p50 and p99.
 *  - The verify handler's CPU per request: this process's CPU per request (gateway,
 *    authorizer and handler; DynamoDB Local and the load generator run elsewhere) under
 *    verify load, less the same under constant load, per round.
 *  - DynamoDB reads per scan, counted on the document client, first scans and repeat scans.
 * Rounds interleave the two arms (order alternating); medians over rounds.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { median, spread } from './measure';
import { seedCodes } from './seed-codes';

export const SCAN_ROUNDS = 5;
const SCAN_SECONDS = 3;
const SCAN_CONNECTIONS = 8;
const CODES = 200;

interface LoadFigures {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface ScanResult {
  verify: { rps: number; rpsRange: [number, number]; p50: number; p99: number };
  constant: { rps: number; rpsRange: [number, number]; p50: number; p99: number };
  ratio: number;
  ratioRange: [number, number];
  handlerCpuMsPerRequest: number;
  reads: { firstScan: Record<string, number>; repeatScanMax: number; repeatScanMedian: number };
  connections: number;
  seconds: number;
}

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

let stopRuntime: (() => Promise<void>) | undefined;
export const stopScanRuntime = async (): Promise<void> => {
  const stop = stopRuntime;
  stopRuntime = undefined;
  await stop?.();
};

const LOAD_SCRIPT = fileURLToPath(new URL('./scan-load.ts', import.meta.url));
const load = async (url: string, paths: string[]): Promise<LoadFigures> => {
  const job = JSON.stringify({ url, paths, connections: SCAN_CONNECTIONS, seconds: SCAN_SECONDS });
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, job], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as LoadFigures;
};

/** Runs `run` and counts the DynamoDB commands the handlers send meanwhile, by command name. */
const countReads = async (run: () => Promise<void>): Promise<Record<string, number>> => {
  const { documentClient } = await import('#kernel/db/dynamodb-client');
  const counts: Record<string, number> = {};
  const name = 'bench-read-counter';
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await run();
    return counts;
  } finally {
    documentClient.middlewareStack.remove(name);
  }
};

const listen = (server: Server): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    });
  });

export const benchScans = async (): Promise<ScanResult> => {
  process.env.LOG_LEVEL ??= 'silent';
  const { startLocalRuntime } = await import('../local/runtime');
  const { createGateway } = await import('../local/gateway');
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-scan-'));
  const starting = startLocalRuntime({ port: 0, dataDir, inMemory: true, tableName: 'traceseal-bench-scan' });
  let constantServer: Server | undefined;
  stopRuntime = async () => {
    constantServer?.closeAllConnections();
    constantServer?.close();
    await (await starting.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const runtime = await starting;
    const codes = await seedCodes(runtime, CODES, 'SCAN1');
    const paths = codes.map((code) => {
      const url = new URL(code);
      return `${url.pathname}${url.search}`;
    });

    // The same gateway code and authorizer, with a verify function that answers at once.
    const body = JSON.stringify({ status: 'genuine' });
    const constant: LambdaHandler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body });
    constantServer = createGateway({
      issuer: runtime.issuer,
      originVerifyValue: process.env.ORIGIN_VERIFY_VALUE ?? '',
      loadHandler: async (name) =>
        name === 'verify-code'
          ? constant
          : ((await import(`../../functions/${name}/handler.ts`)) as { handler: LambdaHandler }).handler,
    });
    const constantUrl = await listen(constantServer);

    // Reads: each code's first scan (caches of keys, product and factory fill on the first
    // of all), then every code again.
    const scanAll = async (base: string) => {
      for (const path of paths) {
        const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
        const verdict = (await res.json()) as { status?: string };
        if (verdict.status !== 'genuine') throw new Error(`scan of ${path}: ${res.status} ${verdict.status}`);
      }
    };
    const firstScan = await countReads(() => scanAll(runtime.url));
    const perScan: number[] = [];
    for (const path of paths.slice(0, 50)) {
      const counts = await countReads(async () => {
        await (await fetch(`${runtime.url}${path}`, { headers: { accept: 'application/json' } })).arrayBuffer();
      });
      perScan.push(Object.values(counts).reduce((a, b) => a + b, 0));
    }
    const firstPerScan = Object.fromEntries(Object.entries(firstScan).map(([command, n]) => [command, n / paths.length]));

    await load(runtime.url, paths); // warm-up: JIT, sockets, caches
    await load(constantUrl, paths);
    const arms = { verify: [] as LoadFigures[], constant: [] as LoadFigures[] };
    const ratios: number[] = [];
    const cpuPerRequest: number[] = [];
    for (let round = 0; round < SCAN_ROUNDS; round++) {
      const order: ('verify' | 'constant')[] = round % 2 === 0 ? ['verify', 'constant'] : ['constant', 'verify'];
      const cpu: Record<string, number> = {};
      for (const arm of order) {
        const cpu0 = process.cpuUsage();
        const figures = await load(arm === 'verify' ? runtime.url : constantUrl, paths);
        const used = process.cpuUsage(cpu0);
        if (figures.non2xx > 0 || figures.errors > 0)
          throw new Error(`${arm}: ${figures.non2xx} non-2xx, ${figures.errors} errors`);
        cpu[arm] = (used.user + used.system) / 1000 / figures.requests;
        arms[arm].push(figures);
      }
      const [v, c] = [arms.verify.at(-1), arms.constant.at(-1)];
      if (v !== undefined && c !== undefined) ratios.push(v.rps / c.rps);
      cpuPerRequest.push((cpu.verify ?? 0) - (cpu.constant ?? 0));
    }
    const summary = (runs: LoadFigures[]) => ({
      rps: median(runs.map((r) => r.rps)),
      rpsRange: spread(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
    });
    return {
      verify: summary(arms.verify),
      constant: summary(arms.constant),
      ratio: median(ratios),
      ratioRange: spread(ratios),
      handlerCpuMsPerRequest: median(cpuPerRequest),
      reads: { firstScan: firstPerScan, repeatScanMax: Math.max(...perScan), repeatScanMedian: median(perScan) },
      connections: SCAN_CONNECTIONS,
      seconds: SCAN_SECONDS,
    };
  } finally {
    await stopScanRuntime();
  }
};
