/**
 * The tables of the bundles and scan-throughput parts of `npm run bench`, printed after the
 * others, and their figures as one JSON line of their own.
 */
import { BARE, type BundlesResult, GOAL_INIT_RATIO, GOAL_VERIFY_BYTES } from './bundles';
import { fmt, table } from './measure';
import { SCAN_ROUNDS, type ScanResult } from './scan-throughput';

const VERIFY = 'verify-code';
const kb = (bytes: number) => fmt(bytes / 1024, 0);
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export const printBundles = (result: BundlesResult | undefined, skipped: string | undefined, verbose: boolean): void => {
  if (result === undefined) {
    console.log(`\ne) bundles: skipped (${skipped ?? 'disabled'})`);
    return;
  }
  const rows = [['e) Function', 'Bundle KB (minified)', 'Init ms (median)', 'Init range ms', 'Init / bare', 'Goal', 'Result']];
  for (const f of result.figures) {
    if (f.error !== undefined) {
      rows.push([f.name, '', '', '', '', '', `failed: ${f.error}`]);
      continue;
    }
    const isVerify = f.name === VERIFY;
    const pass = f.bytes <= GOAL_VERIFY_BYTES && f.initRatio <= GOAL_INIT_RATIO;
    rows.push([
      f.name,
      kb(f.bytes),
      fmt(f.initMs, 1),
      `${fmt(f.initRange[0], 1)}–${fmt(f.initRange[1], 1)}`,
      f.name === BARE ? '1.00' : fmt(f.initRatio, 2),
      isVerify ? `≤ ${kb(GOAL_VERIFY_BYTES)} KB, ≤ ${GOAL_INIT_RATIO}×` : '',
      isVerify ? verdict(pass) : 'info',
    ]);
  }
  console.log(
    `\ne) bundles as the CDK construct builds them; init = require() in a fresh process, ${result.rounds} interleaved rounds`,
  );
  console.log(table(rows));
  if (verbose) {
    for (const f of result.figures) {
      console.log(`   ${f.name}: ${f.top.map(([name, bytes]) => `${name} ${kb(bytes)} KB`).join(', ')}`);
    }
  }
};

export const printScans = (result: ScanResult | undefined, skipped: string | undefined): void => {
  if (result === undefined) {
    console.log(`\nf) scans: skipped (${skipped ?? 'disabled'})`);
    return;
  }
  const { verify, constant } = result;
  const range = ([lo, hi]: [number, number], digits: number) => `${fmt(lo, digits)}–${fmt(hi, digits)}`;
  const reads = Object.entries(result.reads.firstScan)
    .map(([command, n]) => `${command} ${fmt(n, 2)}`)
    .join(', ');
  console.log(
    `\nf) scans through the local gateway: autocannon, ${result.connections} connections, ${result.seconds} s per arm, ${SCAN_ROUNDS} rounds`,
  );
  console.log(
    table([
      ['f) Figure', 'Median', 'Range over rounds', 'Result'],
      ['verify, valid distinct codes, req/s', fmt(verify.rps, 0), range(verify.rpsRange, 0), 'info'],
      ['gateway answering a constant, req/s', fmt(constant.rps, 0), range(constant.rpsRange, 0), 'info'],
      ['ratio verify / constant', fmt(result.ratio, 3), range(result.ratioRange, 3), 'info'],
      ['verify latency p50 / p99, ms', `${fmt(verify.p50, 0)} / ${fmt(verify.p99, 0)}`, '', 'info'],
      ['constant latency p50 / p99, ms', `${fmt(constant.p50, 0)} / ${fmt(constant.p99, 0)}`, '', 'info'],
      ['verify handler CPU per request, ms', fmt(result.handlerCpuMsPerRequest, 2), '', 'info'],
      ['DynamoDB requests per first scan of a code', reads, '', 'info'],
      [
        'DynamoDB requests per repeat scan (max / median)',
        `${result.reads.repeatScanMax} / ${result.reads.repeatScanMedian}`,
        '',
        // The bound of the hardening issue (test/scans/scan-cost.test.ts): at most 3.
        result.reads.repeatScanMax <= 3 ? 'PASS (≤ 3)' : 'MISS (> 3)',
      ],
    ]),
  );
};

export const scanJson = (bundles: BundlesResult | undefined, scans: ScanResult | undefined): string =>
  JSON.stringify({ bundles, scans });
