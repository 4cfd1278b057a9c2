/**
 * Part of `npm run bench` (skip with --no-qr): QR rendering and label output rates on one
 * core. Matrices per CPU-second of our batch encoder (fixed version and mask, precomputed
 * template) beside `qrcode` drawing the same URI at the same version, level and mask
 * (QRCode.create, its fastest path, no image) and beside QRCode.toDataURL as apps use it, in
 * interleaved rounds of the same run. Goal: ours >= 10x qrcode.create. Then labels per
 * CPU-second of each writer (PDF sheets, ZPL, SVG, PNG), median of several rounds.
 *
 * Runs alone too: `npx tsx scripts/bench/qr-render.ts`.
 */
import QRCode from 'qrcode';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import type { AnyIterable, LabelCode } from '#kernel/codes/labels/label-code';
import { pdfLabelSheets } from '#kernel/codes/labels/pdf';
import { pngFiles } from '#kernel/codes/labels/png';
import { svgFiles } from '#kernel/codes/labels/svg';
import { zplLabels } from '#kernel/codes/labels/zpl';
import { createBatchQrEncoder } from '#kernel/codes/qr/encoder';
import { signCode } from '#kernel/codes/signature';
import { active, codec, GTIN } from './in-memory-codes';
import { calibrate, fmt, interleave, median, pairwise, perCpuSecond, ROUNDS, type Sample, sink, spread, table } from './measure';

/** The longest lot and a long production host: the worst case a batch's version is sized for. */
const LOT = 'L-2026-11-A.07_LONG1';
const BASE_URL = 'https://verify.traceseal-ppe.example.com';
const CORPUS = 1000;
const WRITER_ROUNDS = 5;

const corpus: LabelCode[] = Array.from({ length: CORPUS }, (_, i) => {
  const serial = codec.encode(i + 1);
  const digsig = signCode(active, { gtin: GTIN, lot: LOT, serial });
  return { uri: buildDigitalLink(BASE_URL, { gtin: GTIN, lot: LOT, serial, digsig }), serial, lot: LOT };
});

export interface QrRenderResult {
  version: number;
  ecc: string;
  uriBytes: number;
  oursPerSecond: number;
  qrcodeCreatePerSecond: number;
  qrcodeDataUrlPerSecond: number;
  ratio: number;
  ratioSpread: [number, number];
  writersPerSecond: Record<'pdf' | 'zpl' | 'svg' | 'png', number>;
}

const cpuMs = async (run: () => Promise<void>): Promise<number> => {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const drain = async (chunks: AnyIterable<unknown>): Promise<void> => {
  for await (const chunk of chunks) sink.value += chunk instanceof Uint8Array || typeof chunk === 'string' ? chunk.length : 1;
};

export const benchQrRender = async (): Promise<QrRenderResult> => {
  const encoder = createBatchQrEncoder(corpus.map((c) => c.uri));
  const matrix = new Uint8Array(encoder.size * encoder.size);
  const forced = {
    version: encoder.version,
    errorCorrectionLevel: encoder.ecc,
    maskPattern: encoder.mask as QRCode.QRCodeMaskPattern,
  };
  let at = 0;
  const next = () => corpus[at++ % CORPUS]?.uri ?? '';
  const ours = (ops: number) => {
    for (let i = 0; i < ops; i++) sink.value += encoder.encodeInto(next(), matrix)[i % matrix.length] ?? 0;
  };
  const theirs = (ops: number) => {
    for (let i = 0; i < ops; i++) sink.value += QRCode.create(next(), forced).modules.size;
  };
  // toDataURL is asynchronous; its callback runs synchronously for the PNG renderer, so it times like create.
  const dataUrl = (ops: number) => {
    for (let i = 0; i < ops; i++) {
      QRCode.toDataURL(next(), { ...forced, margin: 4, scale: 5 }, (_error: Error | null | undefined, url: string) => {
        sink.value += url?.length ?? 0;
      });
    }
  };
  const oursOps = calibrate(500, ours);
  const theirOps = calibrate(50, theirs);
  const dataUrlOps = calibrate(20, dataUrl);
  const samples = interleave(
    {
      ours: { ops: oursOps, run: () => ours(oursOps) },
      qrcode: { ops: theirOps, run: () => theirs(theirOps) },
      dataUrl: { ops: dataUrlOps, run: () => dataUrl(dataUrlOps) },
    },
    ROUNDS,
  );
  const ratios = pairwise(samples.ours, samples.qrcode, (a: Sample, b: Sample) => perCpuSecond(a) / perCpuSecond(b));

  const writers = {
    pdf: () => drain(pdfLabelSheets(corpus, encoder)),
    zpl: () => drain(zplLabels(corpus)),
    svg: () => drain(svgFiles(corpus, encoder)),
    png: () => drain(pngFiles(corpus, encoder)),
  };
  const rates: Record<keyof typeof writers, number[]> = { pdf: [], zpl: [], svg: [], png: [] };
  for (const name of Object.keys(writers) as (keyof typeof writers)[]) await writers[name]();
  for (let round = 0; round < WRITER_ROUNDS; round++) {
    for (const name of Object.keys(writers) as (keyof typeof writers)[]) {
      rates[name].push(CORPUS / ((await cpuMs(writers[name])) / 1000));
    }
  }
  return {
    version: encoder.version,
    ecc: encoder.ecc,
    uriBytes: Buffer.byteLength(corpus[0]?.uri ?? ''),
    oursPerSecond: median(samples.ours.map(perCpuSecond)),
    qrcodeCreatePerSecond: median(samples.qrcode.map(perCpuSecond)),
    qrcodeDataUrlPerSecond: median(samples.dataUrl.map(perCpuSecond)),
    ratio: median(ratios),
    ratioSpread: spread(ratios),
    writersPerSecond: { pdf: median(rates.pdf), zpl: median(rates.zpl), svg: median(rates.svg), png: median(rates.png) },
  };
};

export const printQrRender = (result: QrRenderResult | undefined, skipped: string | undefined): void => {
  console.log('\n## QR rendering and label outputs (one core, per CPU-second)\n');
  if (result === undefined) {
    console.log(`skipped: ${skipped ?? 'not run'}`);
    return;
  }
  const [low, high] = result.ratioSpread;
  console.log(`URI of ${result.uriBytes} bytes, version ${result.version}, level ${result.ecc}\n`);
  console.log(
    table([
      ['what', 'per second', 'goal'],
      ['matrices, ours', fmt(result.oursPerSecond, 0), ''],
      ['matrices, qrcode.create (same version/mask)', fmt(result.qrcodeCreatePerSecond, 0), ''],
      ['PNG data URLs, qrcode.toDataURL', fmt(result.qrcodeDataUrlPerSecond, 0), ''],
      [
        'ours / qrcode.create',
        `${fmt(result.ratio, 1)}x (${fmt(low, 1)}-${fmt(high, 1)})`,
        `>= 10x ${result.ratio >= 10 ? 'PASS' : 'MISS'}`,
      ],
      ['PDF sheet labels', fmt(result.writersPerSecond.pdf, 0), ''],
      ['ZPL labels', fmt(result.writersPerSecond.zpl, 0), ''],
      ['SVG files', fmt(result.writersPerSecond.svg, 0), ''],
      ['PNG files (1-bit, 5 px/module)', fmt(result.writersPerSecond.png, 0), ''],
    ]),
  );
  console.log(JSON.stringify({ qrRender: result }));
};

if (import.meta.url === `file://${process.argv[1]}`) {
  benchQrRender().then(
    (result) => printQrRender(result, undefined),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
