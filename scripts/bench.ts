/**
 * `npm run bench`: how fast TraceSeal signs and verifies codes, measured beside the raw
 * Node.js crypto calls in the same run, and what custody events ask of DynamoDB.
 *
 * Figures and goals, part by part in the order they run (each part lives in scripts/bench/;
 * the report labels a part's rows and tables with letters, a onwards, in this order):
 *   - signing.ts: codes per CPU-second of signCodes against raw crypto.sign on a message
 *     of the same size. Goal: ratio >= 0.7.
 *   - verification.ts: verification before any database read, in CPU ms per code.
 *     Goal: <= 0.3 ms.
 *   - end-to-end.ts (skip with --no-e2e): verification requests per second through the
 *     local gateway and handlers with DynamoDB Local in memory. No goal; for reference.
 *   - custody*.ts (skip with --no-custody): DynamoDB requests and items written per custody
 *     event type, shipping and receiving pallets of 1, 100 and 10,000 units (must cost the
 *     same; PASS/MISS), and events recorded per second, all against DynamoDB Local in memory.
 *   - bundles.ts (skip with --no-bundles): every function's bundle as the CDK construct
 *     builds it, its size and module initialization time, beside a bare GetItem handler.
 *     Goals: verify-code <= 600 KB minified, its initialization <= 1.1x the bare one's.
 *   - scan-throughput.ts (skip with --no-scan): scans through the local gateway with
 *     autocannon beside the gateway answering a constant, the verify handler's CPU per
 *     request and DynamoDB requests per scan (bounded: <= 3).
 *   - scan-records.ts (skip with --no-scan-records): the cost of recording scans: log lines
 *     parsed per CPU-second, aggregator records/s and DynamoDB writes per 1,000 scans.
 *   - qr-render.ts (skip with --no-qr): QR matrices per CPU-second, ours beside `qrcode`
 *     (goal >= 10x), and each label writer's labels per second.
 *   - issuance.ts (skip with --no-issuance): the signing pool beside raw crypto.sign x cores
 *     (goal >= 0.7), and a 1,000,000-code lot from request to CSV and PDF ready, with peak RSS.
 *   - web-load.ts (skip with --no-web): the console's and the workers' app's first screen
 *     shown in the npm Chromium, each beside a blank page. No goal; for reference.
 *   - audit-export.ts (skip with --no-audit-export; --audit-export-count=N, default 1,000,000):
 *     an export of N generated events in a child process, time and peak RSS (goal <= 256 MB).
 *
 * measure.ts holds the interleaved rounds and medians; report.ts prints a table, then one
 * JSON line with every figure. --verbose prints every round's figures as well.
 */

import { runAuditExportPart } from './bench/audit-export';
import { type BundlesResult, benchBundles } from './bench/bundles';
import { benchCustody, stopCustodyRuntime } from './bench/custody';
import type { CustodyResult } from './bench/custody-model';
import { benchEndToEnd, type E2eResult, stopEndToEndRuntime } from './bench/end-to-end';
import { benchIssuanceLot, benchSigningPool, printIssuance } from './bench/issuance';
import { benchQrRender, printQrRender, type QrRenderResult } from './bench/qr-render';
import { printHeader, printReport } from './bench/report';
import { benchScanRecords, printScanRecords, type ScanRecordsResult } from './bench/scan-records';
import { printBundles, printScans, scanJson } from './bench/scan-report';
import { benchScans, type ScanResult, stopScanRuntime } from './bench/scan-throughput';
import { benchSigning, benchSigningBreakdown } from './bench/signing';
import { benchVerification } from './bench/verification';
import { benchWebLoad, printWebLoad, type WebLoadResult } from './bench/web-load';

const args = new Set(process.argv.slice(2));
const runE2e = !args.has('--no-e2e');
const runCustody = !args.has('--no-custody');
const runBundles = !args.has('--no-bundles');
const runScans = !args.has('--no-scan');
const runScanRecords = !args.has('--no-scan-records');
const runQr = !args.has('--no-qr');
// issuance.ts (skip with --no-issuance): signing pool vs raw crypto.sign x cores, and a
// 1,000,000-code lot end to end in a child process (CSV and PDF ready, peak RSS, writes).
const runIssuance = !args.has('--no-issuance');
const runWeb = !args.has('--no-web');
const verbose = args.has('--verbose');

/** Runs an optional part; a failure there is reported in its row instead of ending the run. */
const optional = async <T>(enabled: boolean, flag: string, run: () => Promise<T>): Promise<{ value?: T; skipped?: string }> => {
  if (!enabled) return { skipped: flag };
  try {
    return { value: await run() };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
};

const main = async (): Promise<void> => {
  const header = printHeader();
  const signing = benchSigning({ verbose });
  const breakdown = benchSigningBreakdown();
  const verification = benchVerification({ verbose });
  const e2e = await optional<E2eResult>(runE2e, '--no-e2e', benchEndToEnd);
  const custody = await optional<CustodyResult>(runCustody, '--no-custody', () => benchCustody({ verbose }));
  const bundles = await optional<BundlesResult>(runBundles, '--no-bundles', benchBundles);
  const scans = await optional<ScanResult>(runScans, '--no-scan', benchScans);
  const qr = await optional<QrRenderResult>(runQr, '--no-qr', benchQrRender);
  const scanRecords = await optional<ScanRecordsResult>(runScanRecords, '--no-scan-records', benchScanRecords);
  const issuance = await optional(runIssuance, '--no-issuance', async () => ({
    signing: await benchSigningPool(),
    lot: await benchIssuanceLot(1_000_000, ['csv', 'pdf']),
  }));
  const web = await optional<WebLoadResult>(runWeb, '--no-web', benchWebLoad);
  printReport(header, {
    signing,
    breakdown,
    verification,
    e2e: e2e.value,
    e2eSkipped: e2e.skipped,
    custody: custody.value,
    custodySkipped: custody.skipped,
  });
  printBundles(bundles.value, bundles.skipped, verbose);
  printScans(scans.value, scans.skipped);
  printQrRender(qr.value, qr.skipped);
  printScanRecords(scanRecords.value, scanRecords.skipped);
  if (issuance.value === undefined) console.log(`Issuance: skipped (${issuance.skipped})`);
  else printIssuance(issuance.value.signing, issuance.value.lot);
  console.log(scanJson(bundles.value, scans.value));
  if (issuance.value !== undefined) console.log(JSON.stringify({ issuance: issuance.value }));
  printWebLoad(web.value, web.skipped);
  await runAuditExportPart(args);
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    void Promise.allSettled([stopEndToEndRuntime(), stopCustodyRuntime(), stopScanRuntime()]).finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopEndToEndRuntime().catch(() => undefined);
  await stopCustodyRuntime().catch(() => undefined);
  await stopScanRuntime().catch(() => undefined);
  process.exit(1);
});
