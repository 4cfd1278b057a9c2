import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfLabelSheets, SCAN_PROMPT } from '#kernel/codes/labels/pdf';
import { pdfLayout } from '#kernel/codes/labels/pdf-layout';
import { svgFiles } from '#kernel/codes/labels/svg';
import { zplLabels } from '#kernel/codes/labels/zpl';
import { createBatchQrEncoder } from '#kernel/codes/qr/encoder';
import { launchChromium } from '../support/browser';
import { makeSignedCodes, verifiesAgainstJwks } from '../support/qr-label-codes';

/**
 * Printed outputs read back the way a scanner would: the PDF sheet is rasterized by pdf.js
 * (Mozilla's renderer, from npm) inside the headless Chromium, the SVGs by Chromium itself,
 * and jsQR reads every label off the pixels. Each decoded URI must be the code's URI and
 * verify against the JWKS. ZPL is drawn by the printer's firmware, which we do not have:
 * its ^BQ field data and text fields are parsed back instead (also in the unit tests).
 */
const ORIGIN = 'http://labels.test';
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const pdfjsBuild = join(pdfjsRoot, 'build');
const SCREENSHOT_DIR = join(import.meta.dirname, 'screenshots');
const { codes, jwks } = makeSignedCodes(10);
const encoder = createBatchQrEncoder(codes.map((c) => c.uri));

let launching: Promise<Browser> | undefined;
let page: Page;
beforeAll(async () => {
  launching = launchChromium();
  launching.catch(() => undefined);
  const browser = await launching;
  // One context and page for the file: closing a context ends the packaged Chromium.
  page = await (await browser.newContext({ viewport: { width: 1200, height: 1200 } })).newPage();
}, 120_000);
afterAll(async () => {
  await launching?.then(
    (browser) => browser.close(),
    () => undefined,
  );
});

const collect = async (chunks: AsyncIterable<Uint8Array | string>): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
};

/** Serves pdf.js and the files under test from a made-up origin: nothing goes to the network. */
const serve = async (files: Record<string, { body: Buffer; type: string }>): Promise<void> => {
  await page.unrouteAll();
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = files[path];
    if (file !== undefined) return route.fulfill({ status: 200, contentType: file.type, body: file.body });
    if (/^\/pdf(\.worker)?\.mjs$/.test(path)) {
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(join(pdfjsBuild, path.slice(1))) });
    }
    // The predefined CMaps (UniGB-UCS2-H for the labels' Chinese) and the standard fonts' data, as a reader ships them.
    const data = /^\/(cmaps\/[\w-]+\.bcmap|standard_fonts\/[\w-]+\.(?:pfb|ttf))$/.exec(path);
    if (data?.[1] !== undefined) {
      return route.fulfill({
        status: 200,
        contentType: 'application/octet-stream',
        body: readFileSync(join(pdfjsRoot, data[1])),
      });
    }
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${ORIGIN}/index.html`);
};

/**
 * The page that renders the sheet. Its script is page code, kept in a string: it runs in the
 * browser, and the test runner would rewrite an import() inside a function passed to evaluate.
 */
const PDF_PAGE = `<!doctype html><script type="module">
import * as pdfjs from '/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
window.renderFirstPage = async (scale) => {
  const doc = await pdfjs.getDocument({
    url: '/labels.pdf',
    cMapUrl: '/cmaps/',
    cMapPacked: true,
    standardFontDataUrl: '/standard_fonts/',
  }).promise;
  const sheet = await doc.getPage(1);
  const viewport = sheet.getViewport({ scale });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  await sheet.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
  const text = await sheet.getTextContent();
  return { pages: doc.numPages, png: canvas.toDataURL('image/png'), text: text.items.map((item) => item.str) };
};
</script>`;

const scanRegion = (image: PNG, x: number, y: number, width: number, height: number): string | undefined => {
  const [left, top] = [Math.max(0, Math.floor(x)), Math.max(0, Math.floor(y))];
  const [w, h] = [Math.min(image.width - left, Math.ceil(width)), Math.min(image.height - top, Math.ceil(height))];
  const pixels = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * image.width + left) * 4;
    pixels.set(image.data.subarray(from, from + w * 4), row * w * 4);
  }
  return jsQR(pixels, w, h)?.data;
};

describe('printed labels decode back', () => {
  /** The sheet's first page rasterized by pdf.js, its text as pdf.js extracts it, and a copy under screenshots/. */
  const renderSheet = async (pdf: Buffer, scale: number, name: string) => {
    await serve({
      '/index.html': { body: Buffer.from(PDF_PAGE), type: 'text/html' },
      '/labels.pdf': { body: pdf, type: 'application/pdf' },
    });
    await page.waitForFunction('typeof renderFirstPage === "function"');
    const rendered = (await page.evaluate(`renderFirstPage(${scale})`)) as { pages: number; png: string; text: string[] };
    const png = Buffer.from(rendered.png.split(',')[1] ?? '', 'base64');
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await writeFile(join(SCREENSHOT_DIR, name), png);
    return { pages: rendered.pages, text: rendered.text, image: PNG.sync.read(png) };
  };

  const scanEveryLabel = async (layout: ReturnType<typeof pdfLayout>, image: PNG, scale: number, signed = { codes, jwks }) => {
    const quiet = 4 * layout.module;
    const side = (encoder.size + 8) * layout.module;
    for (const [index, code] of signed.codes.slice(0, layout.perPage).entries()) {
      const origin = layout.symbolOrigin(index);
      const x = (origin.x - quiet) * scale;
      const y = (layout.pageHeight - (origin.y - quiet + side)) * scale;
      const uri = scanRegion(image, x, y, side * scale, side * scale);
      expect(uri, `label ${index}`).toBe(code.uri);
      expect(await verifiesAgainstJwks(uri ?? '', signed.jwks)).toBe(true);
    }
  };

  it('rasterizes the PDF sheet with pdf.js and reads every label with jsQR, its name, prompt, serial and lot as text', async () => {
    const options = { labelWidthMm: 50, labelHeightMm: 60, marginMm: 5, cutMarks: true, productName: '安全帽 Safety helmet' };
    const layout = pdfLayout(encoder.size, options);
    const scale = 3;
    const rendered = await renderSheet(await collect(pdfLabelSheets(codes, encoder, options)), scale, 'label-sheet-50x60.png');
    expect(rendered.pages).toBe(1);
    // pdf.js groups text by line across neighbouring labels and splits it at spaces: compare the words.
    const words = rendered.text
      .join(' ')
      .split(/\s+/)
      .filter((word) => word !== '');
    const perLabel = (c: (typeof codes)[number]) => [
      ...SCAN_PROMPT.split(' '),
      '安全帽',
      'Safety',
      'helmet',
      c.serial,
      'LOT',
      c.lot,
    ];
    expect(words.sort()).toEqual(codes.flatMap(perLabel).sort());
    await scanEveryLabel(layout, rendered.image, scale);
  }, 120_000);

  it('keeps every line of a 30 mm label with a 20-character lot and a long name inside its label', async () => {
    const longLot = makeSignedCodes(10, { lot: 'L2026-11-ABCDEFGHIJK' });
    const options = {
      labelWidthMm: 30,
      labelHeightMm: 45,
      marginMm: 5,
      productName: '防护安全帽 ABS Safety helmet, class Y, white',
    };
    const layout = pdfLayout(encoder.size, options);
    const scale = 4;
    const rendered = await renderSheet(
      await collect(pdfLabelSheets(longLot.codes, encoder, options)),
      scale,
      'label-sheet-30x45.png',
    );
    // The lot is printed whole (only a name too long for the label is cut, with an ellipsis).
    expect(rendered.text.join(' ')).toContain('L2026-11-ABCDEFGHIJK');
    // Between two labels (a column boundary, across the text under the symbols) no pixel is inked.
    const textTop = layout.pageHeight - layout.symbolOrigin(0).y;
    const textBottom = layout.pageHeight - layout.textCentre(0, 3).y + layout.fontSize * 0.3;
    const boundary = (5 * 72) / 25.4 + (30 * 72) / 25.4;
    const { image } = rendered;
    let inked = 0;
    let inkedInText = 0;
    for (let y = Math.floor(textTop * scale); y < Math.ceil(textBottom * scale); y++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = Math.round(boundary * scale) + dx;
        if ((image.data[(y * image.width + x) * 4] ?? 255) < 160) inked++;
      }
      for (let x = Math.round((boundary - 12) * scale); x < Math.round(boundary * scale) - 2; x++)
        if ((image.data[(y * image.width + x) * 4] ?? 255) < 160) inkedInText++;
    }
    expect(inkedInText, 'the label text was drawn at all').toBeGreaterThan(0);
    expect(inked).toBe(0);
    await scanEveryLabel(layout, image, scale, longLot);
  }, 120_000);

  it('rasterizes each SVG in Chromium and reads it with jsQR', async () => {
    const files = [];
    for await (const file of svgFiles(codes, encoder)) files.push(file);
    const images = files
      .map((file, i) => `<img id="q${i}" src="/${file.name}" style="width:260px;height:260px;display:block">`)
      .join('');
    await serve({
      '/index.html': { body: Buffer.from(`<!doctype html><body style="margin:0">${images}</body>`), type: 'text/html' },
      ...Object.fromEntries(files.map((file) => [`/${file.name}`, { body: Buffer.from(file.data), type: 'image/svg+xml' }])),
    });
    await page.waitForFunction('[...document.images].every((img) => img.complete && img.naturalWidth > 0)');
    for (const [i, code] of codes.entries()) {
      const image = PNG.sync.read(await page.locator(`#q${i}`).screenshot());
      const uri = scanRegion(image, 0, 0, image.width, image.height);
      expect(uri).toBe(code.uri);
      expect(await verifiesAgainstJwks(uri ?? '', jwks)).toBe(true);
    }
  }, 120_000);

  it('puts the exact URI in each ZPL label field (a printer renders it; we parse it back)', async () => {
    const zpl = (await collect(zplLabels(codes))).toString('latin1');
    const uris = [...zpl.matchAll(/\^BQN,2,5,M\^FDMM,B(\d{4})([^^]+)\^FS/g)].map((m) => m[2]);
    expect(uris).toEqual(codes.map((c) => c.uri));
    for (const uri of uris) expect(await verifiesAgainstJwks(uri ?? '', jwks)).toBe(true);
  });
});
