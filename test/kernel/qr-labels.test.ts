import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { pngFiles, qrPng } from '#kernel/codes/labels/png';
import { qrSvg, svgFiles } from '#kernel/codes/labels/svg';
import { zipFiles } from '#kernel/codes/labels/zip';
import { zplLabels } from '#kernel/codes/labels/zpl';
import { createBatchQrEncoder } from '#kernel/codes/qr/encoder';
import { makeSignedCodes, verifiesAgainstJwks } from '../support/qr-label-codes';

/**
 * Every label writer, read back by something that is not our code: PNG through pngjs and
 * jsQR, ZIP through Python's zipfile, SVG and PDF content parsed back into modules (their
 * rasterized decoding is in test/e2e/label-decode.test.ts), ZPL parsed back into its fields.
 */
const { codes, jwks } = makeSignedCodes(7);
const encoder = createBatchQrEncoder(codes.map((c) => c.uri));
const work = mkdtempSync(join(tmpdir(), 'qr-labels-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const collect = async (chunks: AsyncIterable<Uint8Array | string>): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
};

const scanPng = (png: Buffer): string | undefined => {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
};

describe('label writers', () => {
  it('writes 1-bit and 8-bit PNGs that jsQR reads back to URIs that verify against the JWKS', async () => {
    for (const bitDepth of [1, 8] as const) {
      for await (const file of pngFiles(codes, encoder, { bitDepth, scale: 3 })) {
        const code = codes.find((c) => file.name === `${c.lot}/${c.serial}.png`);
        const uri = scanPng(Buffer.from(file.data));
        expect(uri).toBe(code?.uri);
        expect(await verifiesAgainstJwks(uri ?? '', jwks)).toBe(true);
      }
    }
    const png = PNG.sync.read(qrPng(encoder.encode(codes[0]?.uri ?? ''), encoder.size, { scale: 2 }));
    expect(png.width).toBe((encoder.size + 8) * 2);
  });

  it('writes one SVG path whose runs are exactly the dark modules, inside a 4-module quiet zone', async () => {
    let seen = 0;
    for await (const file of svgFiles(codes, encoder)) {
      const svg = Buffer.from(file.data).toString('utf8');
      const side = encoder.size + 8;
      expect(svg).toContain(`viewBox="0 0 ${side} ${side}"`);
      expect(svg.match(/<path /g)).toHaveLength(1);
      const d = /<path fill="#000" d="([^"]*)"/.exec(svg)?.[1] ?? '';
      const modules = new Uint8Array(encoder.size * encoder.size);
      for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
        const [col, row] = [Number(x) - 4, Number(y) - 4];
        expect(col).toBeGreaterThanOrEqual(0);
        expect(row).toBeGreaterThanOrEqual(0);
        modules.fill(1, row * encoder.size + col, row * encoder.size + col + Number(w));
      }
      const code = codes[seen++];
      expect(Buffer.from(modules).equals(Buffer.from(encoder.encode(code?.uri ?? '')))).toBe(true);
    }
    expect(seen).toBe(codes.length);
    expect(qrSvg(new Uint8Array(1), 1, { moduleMm: 0.5 })).toContain('width="4.5mm"');
  });

  it('writes one ZPL format per code with the URI in ^BQ byte-mode field data, the serial and the lot', async () => {
    const zpl = (await collect(zplLabels(codes, { magnification: 4, ecc: 'Q' }))).toString('latin1');
    const formats = zpl.split('^XZ\n').filter((f) => f.trim() !== '');
    expect(formats).toHaveLength(codes.length);
    formats.forEach((format, i) => {
      const code = codes[i];
      expect(format.startsWith('^XA')).toBe(true);
      const qr = /\^BQN,2,4,Q\^FDQM,B(\d{4})([^^]*)\^FS/.exec(format);
      expect(qr?.[2]).toBe(code?.uri);
      expect(Number(qr?.[1])).toBe(Buffer.byteLength(code?.uri ?? ''));
      const texts = [...format.matchAll(/\^A0N[^F]*\^FB[^F]*\^FD([^^]*)\^FS/g)].map((m) => m[1]);
      expect(texts).toEqual([code?.serial, `LOT ${code?.lot}`]);
    });
  });

  it('centres the ZPL symbol across the label with its serial and lot under it, for several label sizes', async () => {
    const sizes = [
      { dpi: 300, labelWidthMm: 50, labelHeightMm: 60, magnification: 5, ecc: 'M' as const },
      { dpi: 203, labelWidthMm: 40, labelHeightMm: 45, magnification: 4, ecc: 'M' as const },
      { dpi: 600, labelWidthMm: 38, labelHeightMm: 45, magnification: 8, ecc: 'Q' as const },
      { dpi: 300, labelWidthMm: 30, labelHeightMm: 36, magnification: 4, ecc: 'L' as const },
    ];
    for (const options of sizes) {
      const side =
        createBatchQrEncoder(
          codes.map((c) => c.uri),
          { ecc: options.ecc },
        ).size * options.magnification;
      const quiet = 4 * options.magnification;
      const zpl = (await collect(zplLabels(codes, options))).toString('latin1');
      const formats = zpl.split('^XZ\n').filter((f) => f.trim() !== '');
      expect(formats).toHaveLength(codes.length);
      for (const format of formats) {
        const width = Number(/\^PW(\d+)/.exec(format)?.[1]);
        const height = Number(/\^LL(\d+)/.exec(format)?.[1]);
        expect(width).toBe(Math.round((options.labelWidthMm * options.dpi) / 25.4));
        const [, qx, qy, magnification] = /\^FO(\d+),(\d+)\^BQN,2,(\d+),/.exec(format)?.map(Number) ?? [];
        expect(magnification).toBe(options.magnification);
        const symbol = { x: qx ?? 0, y: qy ?? 0 };
        // Centred across the label, with its quiet zone inside it.
        expect(Math.abs(symbol.x + side / 2 - width / 2)).toBeLessThanOrEqual(1);
        expect(symbol.x).toBeGreaterThanOrEqual(quiet);
        const texts = [...format.matchAll(/\^FO(\d+),(\d+)\^A0N,(\d+),(\d+)\^FB(\d+),1,0,C\^FD([^^]*)\^FS/g)].map((m) => ({
          x: Number(m[1]),
          y: Number(m[2]),
          dots: Number(m[3]),
          block: Number(m[5]),
          text: m[6] ?? '',
        }));
        expect(texts).toHaveLength(2);
        let below = symbol.y + side + quiet;
        for (const text of texts) {
          // Each line centred on the same axis as the symbol, a quiet zone under it, inside the label.
          expect(Math.abs(text.x + text.block / 2 - width / 2)).toBeLessThanOrEqual(1);
          expect(text.y).toBeGreaterThanOrEqual(below);
          expect(text.text.length * 0.6 * text.dots).toBeLessThanOrEqual(text.block);
          below = text.y + text.dots;
        }
        expect(below).toBeLessThanOrEqual(height - quiet);
        // The block as a whole is centred down the label: as much room above the symbol as under the last line.
        const [first, last] = [texts[0]?.y ?? 0, texts[1]?.y ?? 0];
        expect(Math.abs(symbol.y - (height - (last + (last - first))))).toBeLessThanOrEqual(1);
      }
    }
    await expect(collect(zplLabels(codes, { labelWidthMm: 25, labelHeightMm: 25, magnification: 5 }))).rejects.toMatchObject({
      statusCode: 400,
      code: 'LABEL_TOO_SMALL',
    });
  });

  it('refuses ZPL control characters in label data (a URI that would close the format and inject commands)', async () => {
    const injected = { ...codes[0], uri: `${codes[0]?.uri}^FS^XZ^XA^FO0,0^GB800,800,800^FS`, serial: 'S', lot: 'L' };
    await expect(collect(zplLabels([injected]))).rejects.toMatchObject({ statusCode: 400, code: 'LABEL_TEXT_INVALID' });
    await expect(collect(zplLabels([{ uri: 'https://x', serial: 'S~JR', lot: 'L' }]))).rejects.toMatchObject({
      code: 'LABEL_TEXT_INVALID',
    });
  });

  it('zips PNGs and SVGs into an archive that Python reads with matching CRCs, and each PNG scans', async () => {
    const files = async function* () {
      yield* pngFiles(codes, encoder);
      yield* svgFiles(codes, encoder);
    };
    const zip = await collect(zipFiles(files()));
    const path = join(work, 'labels.zip');
    writeFileSync(path, zip);
    const script = [
      'import zipfile, sys, json, base64',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps([[i.filename, i.compress_type, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))',
    ].join('\n');
    const entries = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 64 << 20 })) as [
      string,
      number,
      string,
    ][];
    expect(entries.map(([name]) => name)).toEqual([
      ...codes.map((c) => `${c.lot}/${c.serial}.png`),
      ...codes.map((c) => `${c.lot}/${c.serial}.svg`),
    ]);
    for (const [name, method, data] of entries) {
      expect(method).toBe(name.endsWith('.png') ? 0 : 8);
      if (name.endsWith('.png'))
        expect(scanPng(Buffer.from(data, 'base64'))).toBe(codes.find((c) => name.includes(c.serial))?.uri);
    }
    // The same input gives the same bytes: a resumed job can be compared with a clean run.
    expect((await collect(zipFiles(files()))).equals(zip)).toBe(true);
  });

  it('switches to ZIP64 records past 65,535 files, as a million-code lot needs', async () => {
    const many = async function* () {
      for (
        let i = 0;
        i < 70_000;
        i++ // Stored entries (.png) keep the test on the ZIP64 records rather than on deflate.
      )
        yield { name: `f/${i}.png`, data: Buffer.from(String(i)) };
    };
    const path = join(work, 'many.zip');
    writeFileSync(path, await collect(zipFiles(many())));
    const script =
      'import zipfile, sys\nz = zipfile.ZipFile(sys.argv[1])\nn = z.namelist()\nprint(len(n), n[-1], z.read(n[-1]).decode())';
    expect(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).trim()).toBe('70000 f/69999.png 69999');
  }, 60_000);
});
