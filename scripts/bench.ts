/**
 * `npm run bench`: how fast TraceSeal signs and verifies codes, measured beside the raw
 * Node.js crypto calls in the same run.
 *
 * The machine is small and noisy, so every figure is the median over several rounds in
 * which the contenders run interleaved (the order rotates every round), and every ratio
 * is taken within one round before its median is taken. CPU time comes from
 * process.cpuUsage() (user + system, all threads of this process), wall time from
 * performance.now(). Signing and verification run in memory only; no database.
 *
 * Figures and goals:
 *   a) signing: codes per CPU-second (= per core; the path is single-threaded) of
 *      signCodes (serial codec + canonical string + ES256) against raw crypto.sign on a
 *      message of the same size. Goal: ratio >= 0.7.
 *   b) verification before any database read: parseDigitalLink + splitDigsig + key from
 *      an in-memory map + verifyCodeSignature, in CPU ms per code. Goal: <= 0.3 ms.
 *   c) end to end (skip with --no-e2e): verification requests per second through the
 *      local gateway and handlers with DynamoDB Local in memory. No goal; for reference.
 *   d) custody (skip with --no-custody; scripts/bench-custody.ts): DynamoDB requests and
 *      items written per custody event type, shipping and receiving pallets of 1, 100 and
 *      10,000 units (must cost the same; PASS/MISS), and events recorded per second, all
 *      against DynamoDB Local in memory.
 *
 * Output: a table, then one JSON line with every figure.
 */
import { execFileSync } from 'node:child_process';
import { type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDigitalLink, parseDigitalLink } from '#shared/codes/digital-link';
import { withCheckDigit } from '#shared/codes/gtin';
import { createSerialCodec } from '#shared/codes/serial';
import {
  canonicalElementString,
  publicKeyFromJwk,
  type SigningKey,
  splitDigsig,
  verifyCodeSignature,
} from '#shared/codes/signature';
import { signCodes } from '#shared/domain/issuance';
import { generateSigningKey, privateKeyFromPem } from '#shared/keys/key-material';
import { benchCustody, type CustodyResult, custodyJson, formatCustody, stopCustodyRuntime } from './bench-custody';

const GOAL_SIGN_RATIO = 0.7;
const GOAL_VERIFY_MS = 0.3;
/** Rounds per comparison; odd so the median is one measured round. */
const ROUNDS = 11;
/** Target CPU time of one contender in one round. */
const ARM_MS = 200;
/** Issuance signs a batch in chunks of this many codes (CODE_CHUNK_SIZE in the store). */
const CHUNK = 1000;
const E2E_ROUNDS = 5;
const E2E_ROUND_MS = 1200;
const E2E_CONCURRENCY = 8;

const args = new Set(process.argv.slice(2));
const runE2e = !args.has('--no-e2e');
const runCustody = !args.has('--no-custody');
/** --verbose prints every round's figures as well. */
const verbose = args.has('--verbose');

// ---------------------------------------------------------------------------------------
// Measurement helpers

interface Sample {
  ops: number;
  wallMs: number;
  cpuMs: number;
}

/** Keeps results observable so nothing measured can be optimised away. */
let sink = 0;

const measure = (ops: number, run: () => void): Sample => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ops, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
};

const spread = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

interface Arm {
  /** Operations per call of run(). */
  ops: number;
  run: () => void;
}

/**
 * Runs every arm once per round, after one uncounted warm-up round, rotating which goes
 * first and reversing the direction every other round, so drift in machine load hits all
 * arms alike.
 */
const interleave = <K extends string>(arms: Record<K, Arm>, rounds: number): Record<K, Sample[]> => {
  const names = Object.keys(arms) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<K, Sample[]>;
  // One full round first that does not count: JIT tiers and heap sizes settle in it.
  for (const name of names) arms[name].run();
  for (let round = 0; round < rounds; round++) {
    const rotated = names.map((_, i) => names[(i + round) % names.length] as K);
    const order = round % 2 === 0 ? rotated : rotated.reverse();
    for (const name of order) {
      const arm = arms[name];
      samples[name].push(measure(arm.ops, arm.run));
    }
  }
  return samples;
};

/**
 * Operations per round so that one arm takes about ARM_MS of CPU, from the faster of two
 * short trials (CPU time, so a busy neighbour during the trial does not shrink the rounds).
 */
const calibrate = (trialOps: number, run: (ops: number) => void, multipleOf = 1): number => {
  const trials = [measure(trialOps, () => run(trialOps)), measure(trialOps, () => run(trialOps))];
  const perOp = Math.max(Math.min(...trials.map((t) => t.cpuMs)), 0.001) / trialOps;
  return Math.max(multipleOf, Math.round(ARM_MS / perOp / multipleOf) * multipleOf);
};

const perCpuSecond = (s: Sample): number => s.ops / (s.cpuMs / 1000);
const perWallSecond = (s: Sample): number => s.ops / (s.wallMs / 1000);
const cpuMsPerOp = (s: Sample): number => s.cpuMs / s.ops;
const wallMsPerOp = (s: Sample): number => s.wallMs / s.ops;
const cpuUsPerOp = (s: Sample): number => (s.cpuMs * 1000) / s.ops;

const pairwise = (a: Sample[], b: Sample[], f: (x: Sample, y: Sample) => number): number[] =>
  a.map((x, i) => {
    const y = b[i];
    return y === undefined ? Number.NaN : f(x, y);
  });

// ---------------------------------------------------------------------------------------
// Keys and codes, in memory

const GTIN = withCheckDigit('0690000012345');
const LOT = 'L-2026-1122';

const keys = [generateSigningKey(), generateSigningKey(), generateSigningKey()];
const activeGenerated = keys.at(-1);
if (activeGenerated === undefined) throw new Error('no key');
const active: SigningKey = { kid: activeGenerated.kid, privateKey: privateKeyFromPem(activeGenerated.privateKeyPem) };
/** What the public-key cache holds: kid → public KeyObject built from the published JWK. */
const publicKeys = new Map<string, KeyObject>(keys.map((k) => [k.kid, publicKeyFromJwk(k.jwk)]));
const activePublic = publicKeys.get(active.kid);
if (activePublic === undefined) throw new Error('no public key');
const codec = createSerialCodec(randomBytes(32));
const identity = { gtin: GTIN, lot: LOT };

/** A message exactly as long as the canonical element string our codes sign. */
const sampleSerial = codec.encode(0);
const messageBytes = Buffer.byteLength(canonicalElementString({ gtin: GTIN, lot: LOT, serial: sampleSerial }), 'utf8');
const rawMessage = Buffer.alloc(messageBytes, 0x41);

const rawSign = (ops: number): void => {
  for (let i = 0; i < ops; i++) {
    sink += sign('sha256', rawMessage, { key: active.privateKey, dsaEncoding: 'ieee-p1363' }).length;
  }
};

let nextSequence = 1;
/** The issuance path: signCodes over chunks, as completeIssuance calls it. */
const ourSign = (ops: number): void => {
  for (let done = 0; done < ops; done += CHUNK) {
    const size = Math.min(CHUNK, ops - done);
    sink += signCodes(active, codec, identity, nextSequence, size).length;
    nextSequence += size;
  }
};

// ---------------------------------------------------------------------------------------
// a) signing

const benchSigning = () => {
  // Warm up both paths (JIT, OpenSSL's per-key state) before anything counts.
  rawSign(500);
  ourSign(500);
  const ops = calibrate(1000, ourSign, CHUNK);
  const s = interleave({ ours: { ops, run: () => ourSign(ops) }, raw: { ops, run: () => rawSign(ops) } }, ROUNDS);
  const ratioCpu = pairwise(s.ours, s.raw, (o, r) => perCpuSecond(o) / perCpuSecond(r));
  const ratioWall = pairwise(s.ours, s.raw, (o, r) => perWallSecond(o) / perWallSecond(r));
  if (verbose) console.log(`signing ratio (CPU) per round: ${ratioCpu.map((r) => r.toFixed(3)).join(' ')}`);
  return {
    opsPerRound: ops,
    oursPerCoreSecond: median(s.ours.map(perCpuSecond)),
    rawPerCoreSecond: median(s.raw.map(perCpuSecond)),
    oursPerWallSecond: median(s.ours.map(perWallSecond)),
    rawPerWallSecond: median(s.raw.map(perWallSecond)),
    ratioCpu: median(ratioCpu),
    ratioCpuRange: spread(ratioCpu),
    ratioWall: median(ratioWall),
  };
};

/** Where one signCodes code spends its CPU time, piece by piece (µs per code). */
const benchSigningBreakdown = () => {
  const serials = Array.from({ length: 4096 }, (_, i) => codec.encode(i + 1));
  const signature64 = sign('sha256', rawMessage, { key: active.privateKey, dsaEncoding: 'ieee-p1363' });
  const ops = 20_000;
  const signOps = CHUNK;
  const s = interleave(
    {
      serial: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) sink += codec.encode(nextSequence + i).length;
        },
      },
      message: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) {
            sink += Buffer.from(canonicalElementString({ gtin: GTIN, lot: LOT, serial: serials[i & 4095] ?? '' }), 'utf8').length;
          }
        },
      },
      encode: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) sink += (active.kid + signature64.toString('base64url')).length;
        },
      },
      es256: { ops: signOps, run: () => rawSign(signOps) },
      total: { ops: signOps, run: () => ourSign(signOps) },
    },
    5,
  );
  const us = (name: keyof typeof s) => median(s[name].map(cpuUsPerOp));
  const parts = { serialCodecUs: us('serial'), messageUs: us('message'), es256SignUs: us('es256'), digsigEncodeUs: us('encode') };
  const totalUs = us('total');
  const sum = parts.serialCodecUs + parts.messageUs + parts.es256SignUs + parts.digsigEncodeUs;
  return { ...parts, signCodesUs: totalUs, restUs: totalUs - sum };
};

// ---------------------------------------------------------------------------------------
// b) verification before the database

const benchVerification = () => {
  const codes = signCodes(active, codec, identity, 10_000_000, 512);
  const uris = codes.map((c) => buildDigitalLink('https://id.traceseal.example', { ...identity, ...c }));
  const rawSignature = sign('sha256', rawMessage, { key: active.privateKey, dsaEncoding: 'ieee-p1363' });
  let failures = 0;

  /** What the verify hot path does before its first database read. */
  const hotPath = (uri: string): boolean => {
    const code = parseDigitalLink(uri);
    const { kid, signature } = splitDigsig(code.digsig);
    const publicKey = publicKeys.get(kid);
    return publicKey !== undefined && verifyCodeSignature(publicKey, code, signature);
  };
  const ours = (ops: number): void => {
    for (let i = 0; i < ops; i++) if (!hotPath(uris[i % uris.length] ?? '')) failures++;
  };
  const raw = (ops: number): void => {
    for (let i = 0; i < ops; i++) {
      if (!verify('sha256', rawMessage, { key: activePublic, dsaEncoding: 'ieee-p1363' }, rawSignature)) failures++;
    }
  };
  const parseOnly = (ops: number): void => {
    for (let i = 0; i < ops; i++) sink += splitDigsig(parseDigitalLink(uris[i % uris.length] ?? '').digsig).signature.length;
  };

  ours(300);
  raw(300);
  parseOnly(3000);
  const ops = calibrate(500, ours);
  const parseOps = ops * 10;
  const s = interleave(
    {
      ours: { ops, run: () => ours(ops) },
      raw: { ops, run: () => raw(ops) },
      parse: { ops: parseOps, run: () => parseOnly(parseOps) },
    },
    ROUNDS,
  );
  if (failures > 0) throw new Error(`${failures} genuine codes failed to verify in the benchmark`);
  const overhead = pairwise(s.ours, s.raw, (o, r) => cpuMsPerOp(o) / cpuMsPerOp(r));
  const oursCpu = s.ours.map(cpuMsPerOp);
  if (verbose) console.log(`verification CPU ms per round: ${oursCpu.map((r) => r.toFixed(4)).join(' ')}`);
  return {
    opsPerRound: ops,
    oursCpuMs: median(oursCpu),
    oursCpuMsRange: spread(oursCpu),
    oursWallMs: median(s.ours.map(wallMsPerOp)),
    rawCpuMs: median(s.raw.map(cpuMsPerOp)),
    rawWallMs: median(s.raw.map(wallMsPerOp)),
    parseAndSplitCpuUs: median(s.parse.map(cpuUsPerOp)),
    oursOverRaw: median(overhead),
  };
};

// ---------------------------------------------------------------------------------------
// c) end to end through the local gateway and DynamoDB Local

interface E2eResult {
  requestsPerSecond: number;
  requestsPerSecondRange: [number, number];
  nodeCpuMsPerRequest: number;
  concurrency: number;
  requestsTotal: number;
}

let stopRuntime: (() => Promise<void>) | undefined;

const benchEndToEnd = async (): Promise<E2eResult> => {
  process.env.LOG_LEVEL ??= 'silent';
  const { startLocalRuntime } = await import('./local/runtime');
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-'));
  const starting = startLocalRuntime({ port: 0, dataDir, inMemory: true, tableName: 'traceseal-bench' });
  stopRuntime = async () => {
    await (await starting.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const runtime = await starting;
    const call = async (path: string, token: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${runtime.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const admin = await runtime.issuer.issueToken({ orgId: 'bench-admin', role: 'admin' });
    const org = (await call('/v1/orgs', admin, {
      name: 'Bench Factory',
      role: 'factory',
      region: 'CN-ZJ Hangzhou',
      licenseNumber: 'BENCH-0001',
    })) as { id: string };
    const factory = await runtime.issuer.issueToken({ orgId: org.id, role: 'factory' });
    await call('/v1/products', factory, {
      gtin: GTIN,
      name: 'Bench helmet',
      category: 'safety_helmet',
      standard: 'GB 2811-2019',
      laCertificate: { number: 'LA-BENCH-1', validUntil: '2030-12-31' },
      serviceLifeMonths: 36,
    });
    const { codes } = (await call('/v1/batches', factory, {
      gtin: GTIN,
      lot: LOT,
      productionDate: '2026-11-01',
      count: 200,
    })) as { codes: string[] };

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
    const stop = stopRuntime;
    stopRuntime = undefined;
    await stop();
  }
};

// ---------------------------------------------------------------------------------------
// Report

const nproc = (): number => {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return availableParallelism();
  }
};

const fmt = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
};

const main = async (): Promise<void> => {
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = { nproc: nproc(), cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version };
  console.log(`TraceSeal benchmark  ${date}  node ${machine.node}  nproc ${machine.nproc}  (${machine.cpu})`);
  console.log(`medians over ${ROUNDS} interleaved rounds; CPU = process.cpuUsage() user+system\n`);

  const signing = benchSigning();
  const breakdown = benchSigningBreakdown();
  const verification = benchVerification();
  let e2e: E2eResult | undefined;
  let e2eSkipped: string | undefined;
  if (runE2e) {
    try {
      e2e = await benchEndToEnd();
    } catch (error) {
      e2eSkipped = error instanceof Error ? error.message : String(error);
    }
  } else e2eSkipped = '--no-e2e';
  let custody: CustodyResult | undefined;
  let custodySkipped: string | undefined;
  if (runCustody) {
    try {
      custody = await benchCustody({ verbose });
    } catch (error) {
      custodySkipped = error instanceof Error ? error.message : String(error);
    }
  } else custodySkipped = '--no-custody';

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
      sink: sink > 0,
    }),
  );
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    void Promise.allSettled([stopRuntime?.(), stopCustodyRuntime()]).finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopRuntime?.().catch(() => undefined);
  await stopCustodyRuntime().catch(() => undefined);
  process.exit(1);
});
