/**
 * Runs the custody part of `npm run bench` (custody-model.ts says what each of its steps
 * measures): starts DynamoDB Local in memory, runs the steps in order on one set of
 * organizations and codes, and stops DynamoDB Local again, also when a step fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCustodyContext } from './custody-context';
import { measureEventTypes } from './custody-event-types';
import { measureScanByHistory } from './custody-history';
import { type CustodyResult, MAX_CODES, PACKING_EVENTS_PER_CALL } from './custody-model';
import { measurePallets } from './custody-pallets';
import { measureThroughput, THROUGHPUT_ROUNDS } from './custody-throughput';
import { median } from './measure';

let stopCurrent: (() => Promise<void>) | undefined;

/** Stops DynamoDB Local if the custody part is running (signal handlers call this). */
export const stopCustodyRuntime = async (): Promise<void> => {
  const stop = stopCurrent;
  stopCurrent = undefined;
  await stop?.();
};

export const benchCustody = async (options: { verbose?: boolean } = {}): Promise<CustodyResult> => {
  const started = performance.now();
  const log = (message: string) => {
    if (options.verbose === true) console.log(`  custody: ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  process.env.LOG_LEVEL ??= 'silent';
  const { startLocalRuntime } = await import('../local/runtime');

  // The document client is created once per process and keeps the endpoint of its first
  // request, and the table name is read once: if the end-to-end part already ran, they point at the
  // DynamoDB Local it stopped. Start ours on the same port with the same table name.
  const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const dynamoPort = previous === undefined ? undefined : Number(new URL(previous).port);
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-custody-'));
  const starting = startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    tableName: process.env.TABLE_NAME ?? 'traceseal-bench-custody',
    ...(dynamoPort === undefined ? {} : { dynamoPort }),
  });
  stopCurrent = async () => {
    await (await starting.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const runtime = await starting;
    log(`DynamoDB Local at ${runtime.dynamo.endpoint}`);
    const ctx = await createCustodyContext(runtime.url, log);

    const { events, eventsAgree } = await measureEventTypes(ctx);
    const pallets = await measurePallets(ctx);
    const scanByHistory = await measureScanByHistory(ctx);
    const { single, multi } = await measureThroughput(ctx);

    const all = [
      ...events.map((e) => e.count),
      ...pallets.sizes.flatMap((s) => [s.ship, s.receive, s.verify]),
      pallets.lotRecall.count,
      pallets.lotRecallRepeated.count,
      scanByHistory.short.count,
      scanByHistory.long.count,
    ];
    return {
      via: 'ingestEvents in-process (no HTTP); DynamoDB Local in memory',
      dynamoEndpoint: runtime.dynamo.endpoint,
      events,
      eventsAgree,
      sizes: pallets.sizes,
      sizeConstant: pallets.sizeConstant,
      verifiedAtDistributor: pallets.verifiedAtDistributor,
      buildSeconds: pallets.buildSeconds,
      lotRecall: pallets.lotRecall,
      lotRecallRepeated: pallets.lotRecallRepeated,
      scanByHistory,
      throughput: {
        single,
        multi,
        rounds: THROUGHPUT_ROUNDS,
        packingDuringBuild: {
          eventsPerSecond: median(pallets.packingRates),
          unitsPerSecond: median(pallets.packingRates) * MAX_CODES,
          calls: pallets.packingRates.length,
          eventsPerCall: PACKING_EVENTS_PER_CALL,
        },
      },
      retries: all.reduce((sum, c) => sum + c.attempts - c.requests, 0),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stopCustodyRuntime();
  }
};
