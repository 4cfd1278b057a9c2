/**
 * The signing part of `npm run bench`: codes per CPU-second (= per core; the path is single-threaded)
 * of signCodes (serial codec + canonical string + ES256) against raw crypto.sign on a
 * message of the same size, and where one signCodes code spends its time.
 */
import { sign } from 'node:crypto';
import { canonicalElementString } from '#kernel/codes/signature';
import { signCodes } from '#shared/issuance/domain/issuance';
import { active, codec, GTIN, identity, LOT, rawMessage } from './in-memory-codes';
import {
  calibrate,
  cpuUsPerOp,
  interleave,
  median,
  pairwise,
  perCpuSecond,
  perWallSecond,
  ROUNDS,
  sink,
  spread,
} from './measure';

/** Issuance signs a batch in chunks of this many codes (CODE_CHUNK_SIZE in the store). */
const CHUNK = 1000;

const rawSign = (ops: number): void => {
  for (let i = 0; i < ops; i++) {
    sink.value += sign('sha256', rawMessage, { key: active.privateKey, dsaEncoding: 'ieee-p1363' }).length;
  }
};

let nextSequence = 1;
/** The issuance path: signCodes over chunks, as completeIssuance calls it. */
const ourSign = (ops: number): void => {
  for (let done = 0; done < ops; done += CHUNK) {
    const size = Math.min(CHUNK, ops - done);
    sink.value += signCodes(active, codec, identity, nextSequence, size).length;
    nextSequence += size;
  }
};

export const benchSigning = ({ verbose }: { verbose: boolean }) => {
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

export type SigningResult = ReturnType<typeof benchSigning>;

/** Where one signCodes code spends its CPU time, piece by piece (µs per code). */
export const benchSigningBreakdown = () => {
  const serials = Array.from({ length: 4096 }, (_, i) => codec.encode(i + 1));
  const signature64 = sign('sha256', rawMessage, { key: active.privateKey, dsaEncoding: 'ieee-p1363' });
  const ops = 20_000;
  const signOps = CHUNK;
  const s = interleave(
    {
      serial: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) sink.value += codec.encode(nextSequence + i).length;
        },
      },
      message: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) {
            sink.value += Buffer.from(
              canonicalElementString({ gtin: GTIN, lot: LOT, serial: serials[i & 4095] ?? '' }),
              'utf8',
            ).length;
          }
        },
      },
      encode: {
        ops,
        run: () => {
          for (let i = 0; i < ops; i++) sink.value += (active.kid + signature64.toString('base64url')).length;
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

export type SigningBreakdown = ReturnType<typeof benchSigningBreakdown>;
