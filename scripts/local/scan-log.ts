import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { padSequence, type SequencedScan } from '#shared/scans/domain/scans';
import { type GatewayAnswer, scanFromGatewayAnswer } from '#shared/scans/services/cdn-scan-log';
import type { AggregationResult, AggregatorDependencies } from '#shared/scans/services/scan-aggregator';

/**
 * The local stand-in for CloudFront real-time logs → Kinesis → process-scan-log: the gateway
 * appends each answer it gave to an in-process log (no I/O on the request path), and a
 * timer drains it every DRAIN_INTERVAL_MS through the very aggregator the Lambda function
 * runs, as shard `local` with a counter kept under DATA_DIR/scan-log as sequence number.
 * The drained scans are also appended to DATA_DIR/scan-log/scans.ndjson. Nothing here
 * ever sees the viewer's address: the gateway leaves it out of the answers it logs. A
 * scan's place is the simulated one when the gateway simulates places, else none (the
 * viewer of a local gateway is this machine).
 */
export const LOCAL_SHARD = 'local';
export const DRAIN_INTERVAL_MS = 250;
/** Records per aggregation, as the event source mapping's batch size is in AWS. */
export const LOCAL_BATCH_SIZE = 100;

export interface ScanLog {
  /** Called by the gateway after it answered; cheap and synchronous. */
  append(answer: GatewayAnswer): void;
  /** Resolves once everything appended so far has been aggregated. */
  flush(): Promise<void>;
  /** Drains what is left, then stops the timer. */
  stop(): Promise<void>;
}

export interface ScanLogOptions {
  dataDir: string;
  aggregate?: (scans: readonly SequencedScan[], dependencies?: AggregatorDependencies) => Promise<AggregationResult>;
  intervalMs?: number;
}

export const startScanLog = async (options: ScanLogOptions): Promise<ScanLog> => {
  const directory = join(options.dataDir, 'scan-log');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const counterFile = join(directory, 'sequence');
  const logFile = join(directory, 'scans.ndjson');
  let counter = Number((await readFile(counterFile, 'utf8').catch(() => '0')).trim()) || 0;
  const aggregate = options.aggregate ?? (await import('#shared/scans/services/scan-aggregator')).aggregateScans;

  const pending: GatewayAnswer[] = [];
  /** Sequenced but not yet aggregated: retried as they are, so a replay counts once. */
  let unsettled: SequencedScan[] = [];
  let lastError: string | undefined;
  let running: Promise<void> | undefined;

  const drainOnce = async (): Promise<void> => {
    if (unsettled.length === 0) {
      const answers = pending.splice(0, LOCAL_BATCH_SIZE);
      const scans: SequencedScan[] = [];
      for (const answer of answers) {
        const scan = scanFromGatewayAnswer(answer);
        if (scan !== undefined) scans.push({ ...scan, shard: LOCAL_SHARD, sequence: padSequence(String(++counter)) });
      }
      if (scans.length === 0) return;
      await writeFile(counterFile, String(counter), { mode: 0o600 });
      await appendFile(logFile, scans.map((scan) => `${JSON.stringify(scan)}\n`).join(''), { mode: 0o600 });
      unsettled = scans;
    }
    try {
      await aggregate(unsettled);
      unsettled = [];
      lastError = undefined;
    } catch (error) {
      // Like a failed Kinesis batch: kept and tried again on the next tick; logged once per cause.
      if (String(error) !== lastError) {
        lastError = String(error);
        console.error(JSON.stringify({ level: 'error', message: 'local scan aggregation failed', error: lastError }));
      }
      throw error;
    }
  };

  /** Everything there is, batch by batch; stops at the first failure. One drain at a time. */
  const drain = (): Promise<void> => {
    if (running !== undefined) return running;
    const current = (async () => {
      while (unsettled.length > 0 || pending.length > 0) await drainOnce();
    })();
    running = current.finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    drain().catch(() => undefined);
  }, options.intervalMs ?? DRAIN_INTERVAL_MS);
  timer.unref();

  return {
    append: (answer) => {
      pending.push(answer);
    },
    flush: async () => {
      await running?.catch(() => undefined);
      await drain();
    },
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await drain().catch(() => undefined);
    },
  };
};
