/**
 * The scan-records part of `npm run bench` (skip it with --no-scan-records): the cost of recording scans,
 * off the scan path, in one run against DynamoDB Local in memory:
 *  - the bare parse rate of CloudFront real-time log lines, each viewer's address looked
 *    up in the offline IP database as the aggregator does (CPU, no I/O);
 *  - the aggregator's throughput in records per second (wall clock, rollups only: the
 *    unit sink is a no-op here, per-unit state is measured with its rules), batches of
 *    AGGREGATOR_BATCH as the event source mapping delivers them;
 *  - DynamoDB requests per 1,000 scans, counted on the document client.
 * The synthetic stream: one factory, PRODUCTS products of LOTS lots, UNITS units, CITIES
 * cities in PROVINCES provinces, one day. It runs in a process of its own: the store's
 * client and table name are fixed per process, and earlier parts have set theirs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SequencedScan } from '#shared/scans/domain/scans';
import { fmt, median, table } from './measure';

const SCANS = 5_000;
const AGGREGATOR_BATCH = 500;
const PRODUCTS = 5;
const LOTS = 4;
const UNITS = 2_000;
const CITIES = 20;
const PROVINCES = 5;
const PARSE_LINES = 20_000;
const ROUNDS = 3;

export interface ScanRecordsResult {
  parseLinesPerSecond: number;
  aggregatorRecordsPerSecond: number;
  aggregatorRange: [number, number];
  requestsPer1000Scans: Record<string, number>;
  writesPer1000Scans: number;
  scans: number;
  batchSize: number;
}

const logLine = async (i: number): Promise<string> => {
  const { REALTIME_LOG_FIELDS } = await import('#shared/scans/services/cdn-scan-log');
  const headers = encodeURIComponent('Host:d111111abcdef8.cloudfront.net\nAccept:text/html\n');
  const values: Record<string, string> = {
    timestamp: '1763971234.567',
    // Spread over mainland address space, so lookups do not all hit one index block.
    'c-ip': `${[113, 61, 124, 220, 36][i % 5]}.${(i * 37) % 256}.${(i * 11) % 256}.1`,
    'sc-status': '200',
    'cs-method': 'GET',
    'cs-uri-stem': `/01/0950600013435${i % PRODUCTS}/10/L${i % LOTS}/21/S${i % UNITS}`,
    'x-edge-request-id': `req${i}`,
    'cs-user-agent': encodeURIComponent('Mozilla/5.0 (iPhone) Mobile/15E148 MicroMessenger/8.0.47'),
    'cs-uri-query': '8030=AbC',
    'c-country': 'CN',
    'cs-headers': headers,
  };
  return REALTIME_LOG_FIELDS.map((name) => values[name]).join('\t');
};

const synthetic = (round: number, i: number, padSequence: (s: string) => string): SequencedScan => ({
  requestId: `r${round}-${i}`,
  at: `2026-11-${String(10 + round).padStart(2, '0')}T08:00:00.000Z`,
  subject: { kind: 'unit', gtin: `0950600013435${i % PRODUCTS}`, lot: `L${i % LOTS}`, serial: `S${(i * 7919) % UNITS}` },
  place: { country: 'CN', province: `CN-P${i % PROVINCES}`, city: `City${i % CITIES}`, lat: 22.5, lon: 114.1 },
  ua: 'wechat',
  shard: 'shardId-000000000000',
  sequence: padSequence(String(i + 1)),
});

const measureScanRecords = async (): Promise<ScanRecordsResult> => {
  const { startDynamoDbLocal } = await import('../local/dynamodb-local');
  const dynamo = await startDynamoDbLocal({});
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'local',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      TABLE_NAME: 'bench-scan-records',
      LOG_LEVEL: 'silent',
    });
    const { ensureTable } = await import('../local/tables');
    const { MAIN_TABLE } = await import('#kernel/db/table-definitions');
    await ensureTable(new DynamoDBClient({}), MAIN_TABLE, 'bench-scan-records');
    const { parseRealtimeLogRecord } = await import('#shared/scans/services/cdn-scan-log');
    const locate = (await import('#kernel/places/ip-regions')).loadIpRegions();
    const { padSequence } = await import('#shared/scans/domain/scans');
    const { aggregateScans } = await import('#shared/scans/services/scan-aggregator');
    const { documentClient } = await import('#kernel/db/dynamodb-client');

    const lines = await Promise.all(Array.from({ length: 100 }, (_, i) => logLine(i)));
    const cpu = process.cpuUsage();
    let parsed = 0;
    for (let i = 0; i < PARSE_LINES; i++)
      if (parseRealtimeLogRecord(lines[i % lines.length] ?? '', locate) !== undefined) parsed++;
    const used = process.cpuUsage(cpu);
    if (parsed !== PARSE_LINES) throw new Error('bench log lines did not parse');
    const parseLinesPerSecond = PARSE_LINES / ((used.user + used.system) / 1e6);

    const counts: Record<string, number> = {};
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchScanRecordsCounter' },
    );
    // Rollup writes are what this measures: every label is taken as genuine, and the
    // per-label check (a signature and a lot read) is left out like the unit sink.
    const checkLabel = async () => ({ verdict: 'genuine' as const, ownerOrgId: 'bench-factory' });
    const unitSink = async () => undefined;
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const scans = Array.from({ length: SCANS }, (_, i) => synthetic(round, i, padSequence));
      const started = performance.now();
      for (let i = 0; i < scans.length; i += AGGREGATOR_BATCH) {
        await aggregateScans(scans.slice(i, i + AGGREGATOR_BATCH), { checkLabel, unitSink });
      }
      rates.push(SCANS / ((performance.now() - started) / 1000));
    }
    const per1000 = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, (n / (SCANS * ROUNDS)) * 1000]));
    return {
      parseLinesPerSecond,
      aggregatorRecordsPerSecond: median(rates),
      aggregatorRange: [Math.min(...rates), Math.max(...rates)],
      requestsPer1000Scans: per1000,
      writesPer1000Scans: (per1000.PutItem ?? 0) + (per1000.UpdateItem ?? 0) + (per1000.BatchWriteItem ?? 0),
      scans: SCANS,
      batchSize: AGGREGATOR_BATCH,
    };
  } finally {
    await dynamo.stop();
  }
};

export const printScanRecords = (result: ScanRecordsResult | undefined, skipped: string | undefined): void => {
  console.log('\ng) Recording scans (off the scan path): parse, aggregate, DynamoDB requests');
  if (result === undefined) {
    console.log(`   skipped: ${skipped ?? 'not run'}`);
    return;
  }
  console.log(
    table([
      ['figure', 'value'],
      ['real-time log lines parsed per CPU-second', fmt(result.parseLinesPerSecond, 0)],
      [
        `aggregator records/s (batches of ${result.batchSize}, median of ${ROUNDS})`,
        `${fmt(result.aggregatorRecordsPerSecond, 0)} (${fmt(result.aggregatorRange[0], 0)}–${fmt(result.aggregatorRange[1], 0)})`,
      ],
      ['DynamoDB writes per 1,000 scans', fmt(result.writesPer1000Scans, 1)],
      ...Object.entries(result.requestsPer1000Scans).map(([name, n]) => [`  ${name} per 1,000 scans`, fmt(n, 1)]),
    ]),
  );
  console.log(JSON.stringify({ scanRecords: result }));
};

const SELF = fileURLToPath(import.meta.url);

export const benchScanRecords = async (): Promise<ScanRecordsResult> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, '--child'], {
    maxBuffer: 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ScanRecordsResult;
};

if (process.argv[1] === SELF && process.argv.includes('--child')) {
  measureScanRecords()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
