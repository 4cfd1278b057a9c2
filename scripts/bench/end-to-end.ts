/**
 * The end-to-end part of `npm run bench` (skip it with --no-e2e): verification requests per second
 * through the local gateway and handlers with DynamoDB Local in memory. No goal; for
 * reference, since the load generator, gateway, handlers and DynamoDB Local share the cores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, spread } from './measure';
import { seedCodes } from './seed-codes';

export const E2E_ROUNDS = 5;
const E2E_ROUND_MS = 1200;
const E2E_CONCURRENCY = 8;

export interface E2eResult {
  requestsPerSecond: number;
  requestsPerSecondRange: [number, number];
  nodeCpuMsPerRequest: number;
  concurrency: number;
  requestsTotal: number;
}

let stopRuntime: (() => Promise<void>) | undefined;

/** Stops the local runtime if the end-to-end part is running (signal handlers call this). */
export const stopEndToEndRuntime = async (): Promise<void> => {
  const stop = stopRuntime;
  stopRuntime = undefined;
  await stop?.();
};

export const benchEndToEnd = async (): Promise<E2eResult> => {
  process.env.LOG_LEVEL ??= 'silent';
  // Imported only now: the runtime sets the DynamoDB endpoint and table name the handlers read.
  const { startLocalRuntime } = await import('../local/runtime');
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-'));
  const starting = startLocalRuntime({ port: 0, dataDir, inMemory: true, tableName: 'traceseal-bench' });
  stopRuntime = async () => {
    await (await starting.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const runtime = await starting;
    const codes = await seedCodes(runtime, 200);

    let failures = 0;
    const verifyOne = async (uri: string): Promise<void> => {
      const res = await fetch(uri, { headers: { accept: 'application/json' } });
      const body = (await res.json()) as { status?: string };
      if (res.status !== 200 || body.status !== 'genuine') failures++;
    };
    const load = async (ms: number): Promise<number> => {
      const deadline = performance.now() + ms;
      let next = 0;
      const worker = async () => {
        while (performance.now() < deadline) await verifyOne(codes[next++ % codes.length] ?? '');
      };
      await Promise.all(Array.from({ length: E2E_CONCURRENCY }, worker));
      return next;
    };

    await load(800); // warm-up: handlers loaded, caches filled, JIT
    const rates: number[] = [];
    const cpuPerRequest: number[] = [];
    let total = 0;
    for (let round = 0; round < E2E_ROUNDS; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await load(E2E_ROUND_MS);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      rates.push(n / (wallMs / 1000));
      cpuPerRequest.push((cpu.user + cpu.system) / 1000 / n);
      total += n;
    }
    if (failures > 0) throw new Error(`${failures} end-to-end verifications did not answer genuine`);
    return {
      requestsPerSecond: median(rates),
      requestsPerSecondRange: spread(rates),
      nodeCpuMsPerRequest: median(cpuPerRequest),
      concurrency: E2E_CONCURRENCY,
      requestsTotal: total,
    };
  } finally {
    await stopEndToEndRuntime();
  }
};
