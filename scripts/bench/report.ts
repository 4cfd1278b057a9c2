/**
 * What `npm run bench` prints: a header naming the machine, the table of the signing,
 * verification and end-to-end parts with PASS/MISS per goal, the custody tables, and last one
 * JSON line with every figure.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { custodyJson } from './custody-json';
import type { CustodyResult } from './custody-model';
import { formatCustody } from './custody-report';
import { E2E_ROUNDS, type E2eResult } from './end-to-end';
import { fmt, ROUNDS, sink, table } from './measure';
import type { SigningBreakdown, SigningResult } from './signing';
import type { VerificationResult } from './verification';

const GOAL_SIGN_RATIO = 0.7;
const GOAL_VERIFY_MS = 0.3;

const nproc = (): number => {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return availableParallelism();
  }
};

export interface Header {
  started: number;
  date: string;
  machine: { nproc: number; cpu: string; node: string };
}

export const printHeader = (): Header => {
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = { nproc: nproc(), cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version };
  console.log(`TraceSeal benchmark  ${date}  node ${machine.node}  nproc ${machine.nproc}  (${machine.cpu})`);
  console.log(`medians over ${ROUNDS} interleaved rounds; CPU = process.cpuUsage() user+system\n`);
  return { started, date, machine };
};

export interface Results {
  signing: SigningResult;
  breakdown: SigningBreakdown;
  verification: VerificationResult;
  e2e: E2eResult | undefined;
  e2eSkipped: string | undefined;
  custody: CustodyResult | undefined;
  custodySkipped: string | undefined;
}

export const printReport = ({ started, date, machine }: Header, r: Results): void => {
  const { signing, breakdown, verification, e2e, e2eSkipped, custody, custodySkipped } = r;
  const signPass = signing.ratioCpu >= GOAL_SIGN_RATIO;
  const verifyPass = verification.oursCpuMs <= GOAL_VERIFY_MS;
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
  const range = ([lo, hi]: [number, number], digits: number) => `${fmt(lo, digits)}–${fmt(hi, digits)}`;

  const rows: string[][] = [
    ['Figure', 'Median', 'Range over rounds', 'Goal', 'Result'],
    ['a) signCodes, codes/s per core (CPU)', fmt(signing.oursPerCoreSecond, 0), '', '', 'info'],
    ['a) raw crypto.sign ES256, signs/s per core (CPU)', fmt(signing.rawPerCoreSecond, 0), '', '', 'info'],
    [
      'a) signing ratio signCodes / raw (CPU)',
      fmt(signing.ratioCpu, 3),
      range(signing.ratioCpuRange, 3),
      `>= ${GOAL_SIGN_RATIO}`,
      verdict(signPass),
    ],
    ['a) signing ratio signCodes / raw (wall)', fmt(signing.ratioWall, 3), '', '', 'info'],
    ['a) signCodes, codes/s (wall, 1 thread)', fmt(signing.oursPerWallSecond, 0), '', '', 'info'],
    [
      'b) verify before DB, ms per code (CPU)',
      fmt(verification.oursCpuMs, 4),
      range(verification.oursCpuMsRange, 4),
      `<= ${GOAL_VERIFY_MS}`,
      verdict(verifyPass),
    ],
    ['b) verify before DB, ms per code (wall)', fmt(verification.oursWallMs, 4), '', '', 'info'],
    ['b) raw crypto.verify ES256, ms (CPU)', fmt(verification.rawCpuMs, 4), '', '', 'info'],
    ['b) verify before DB / raw verify (CPU)', fmt(verification.oursOverRaw, 3), '', '', 'info'],
    e2e === undefined
      ? ['c) end to end, verifications/s', 'not measured', '', '', e2eSkipped ?? '']
      : [
          `c) end to end, verifications/s (wall, ${e2e.concurrency} in flight)`,
          fmt(e2e.requestsPerSecond, 0),
          range(e2e.requestsPerSecondRange, 0),
          '',
          'info',
        ],
    ...(e2e === undefined ? [] : [['c) end to end, node CPU ms per request', fmt(e2e.nodeCpuMsPerRequest, 3), '', '', 'info']]),
  ];
  console.log(table(rows));
  console.log(
    `\nsigning, CPU µs per code: serial codec ${fmt(breakdown.serialCodecUs, 1)} + canonical string/Buffer ${fmt(breakdown.messageUs, 1)}` +
      ` + ES256 sign ${fmt(breakdown.es256SignUs, 1)} + kid/base64url ${fmt(breakdown.digsigEncodeUs, 1)}` +
      ` + rest ${fmt(breakdown.restUs, 1)} = signCodes ${fmt(breakdown.signCodesUs, 1)}`,
  );
  console.log('  rest = allocation, GC, the low-S normalisation and the cost of alternating HMAC and ECDSA per code');
  console.log(
    `verification, CPU µs per code: parse + split ${fmt(verification.parseAndSplitCpuUs, 1)}, whole hot path ${fmt(verification.oursCpuMs * 1000, 1)}` +
      `, raw verify ${fmt(verification.rawCpuMs * 1000, 1)}`,
  );
  if (e2e !== undefined) {
    console.log(
      `end to end: ${e2e.requestsTotal} genuine verifications over ${E2E_ROUNDS} rounds; DynamoDB Local (java) CPU not included`,
    );
  }
  console.log(custody === undefined ? `\nd) custody: not measured (${custodySkipped ?? ''})` : formatCustody(custody));
  const seconds = (performance.now() - started) / 1000;
  console.log(`total ${fmt(seconds, 1)} s\n`);
  console.log(
    JSON.stringify({
      bench: 'traceseal',
      date,
      ...machine,
      rounds: ROUNDS,
      signing: { ...signing, goal: GOAL_SIGN_RATIO, pass: signPass },
      signingBreakdownUs: breakdown,
      verification: { ...verification, goalMs: GOAL_VERIFY_MS, pass: verifyPass },
      e2e: e2e ?? { skipped: e2eSkipped },
      custody: custody === undefined ? { skipped: custodySkipped } : custodyJson(custody),
      seconds: Number(seconds.toFixed(1)),
      sink: sink.value > 0,
    }),
  );
};
