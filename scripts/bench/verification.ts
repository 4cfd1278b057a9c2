/**
 * The verification part of `npm run bench`: verification before any database read (parseDigitalLink +
 * splitDigsig + key from an in-memory map + verifyCodeSignature) in CPU ms per code, beside
 * raw crypto.verify on a message of the same size.
 */
import { sign, verify } from 'node:crypto';
import { buildDigitalLink, parseDigitalLink } from '#kernel/codes/digital-link';
import { splitDigsig, verifyCodeSignature } from '#kernel/codes/signature';
import { signCodes } from '#shared/issuance/domain/issuance';
import { active, activePublic, codec, identity, publicKeys, rawMessage } from './in-memory-codes';
import { calibrate, cpuMsPerOp, cpuUsPerOp, interleave, median, pairwise, ROUNDS, sink, spread, wallMsPerOp } from './measure';

export const benchVerification = ({ verbose }: { verbose: boolean }) => {
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
    for (let i = 0; i < ops; i++) {
      sink.value += splitDigsig(parseDigitalLink(uris[i % uris.length] ?? '').digsig).signature.length;
    }
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

export type VerificationResult = ReturnType<typeof benchVerification>;
