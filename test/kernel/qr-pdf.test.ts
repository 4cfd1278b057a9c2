import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type PdfOptions, pdfLabelSheets, SCAN_PROMPT } from '#kernel/codes/labels/pdf';
import { pdfLayout } from '#kernel/codes/labels/pdf-layout';
import { fitLine, MIN_FONT_SIZE_PT } from '#kernel/codes/labels/pdf-text';
import { createBatchQrEncoder } from '#kernel/codes/qr/encoder';
import { makeSignedCodes } from '../support/qr-label-codes';

/**
 * The PDF's structure read back by a parser written here: every xref offset lands on its
 * object, the page tree counts the pages, and each label's image mask, turned back into
 * modules, is exactly its code's matrix. A rasterizer reads the same
 * file in test/e2e/label-decode.test.ts.
 */
const { codes } = makeSignedCodes(11);
const encoder = createBatchQrEncoder(codes.map((c) => c.uri));

const pdfOf = async (options: PdfOptions, list = codes): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const chunk of pdfLabelSheets(list, encoder, options)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
};

const objectsOf = (pdf: Buffer) => {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
  const [, countText] = /^xref\n0 (\d+)\n/.exec(text.slice(startxref)) ?? [];
  const count = Number(countText);
  const rows = text
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + count);
  const offsets = rows.map((row) => Number(row.slice(0, 10)));
  offsets.forEach((offset, id) => {
    if (id > 0) expect(text.slice(offset, offset + `${id} 0 obj`.length)).toBe(`${id} 0 obj`);
  });
  return { text, offsets };
};

/** The stream bytes of object `id`, its length read from its dictionary. */
const streamOf = (text: string, offsets: number[], id: number): Buffer => {
  const at = offsets[id] ?? 0;
  const header = /^\d+ 0 obj\n<<(.*?)\/Length (\d+)(.*?)>>\nstream\n/.exec(text.slice(at, at + 400));
  expect(header).not.toBeNull();
  const start = at + (header?.[0].length ?? 0);
  return Buffer.from(text.slice(start, start + Number(header?.[2])), 'latin1');
};

/** Modules from one page: per `q … cm /Qk Do Q` in its content, the bits of image mask Qk. */
const symbolsOnPage = (text: string, offsets: number[], content: string, pageDictionary: string, size: number) =>
  [...content.matchAll(/^q [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm \/(Q\d+) Do Q$/gm)].map(([, name]) => {
    const id = Number(new RegExp(`/${name} (\\d+) 0 R`).exec(pageDictionary)?.[1]);
    const at = offsets[id] ?? 0;
    expect(text.slice(at, at + 200)).toContain(
      `/Width ${size} /Height ${size} /ImageMask true /BitsPerComponent 1 /Decode [1 0]`,
    );
    const bits = streamOf(text, offsets, id);
    const rowBytes = Math.ceil(size / 8);
    expect(bits.length).toBe(rowBytes * size);
    const modules = new Uint8Array(size * size);
    for (let row = 0; row < size; row++)
      for (let column = 0; column < size; column++)
        modules[row * size + column] = ((bits[row * rowBytes + (column >> 3)] ?? 0) >> (7 - (column & 7))) & 1;
    return modules;
  });

/**
 * Each text object of a content stream: where it starts, and its runs with font, size and
 * text decoded (Courier literal strings; the CJK font's UTF-16 hex). Its width is counted
 * here from the fonts' metrics (Courier 600/1000 em, the CJK font's /DW 1000), not ours.
 */
const textObjects = (content: string) =>
  [...content.matchAll(/BT ([\d.]+) ([\d.]+) Td (.*?) ET/g)].map(([, x, y, body = '']) => {
    const runs = [...body.matchAll(/\/(F\d) ([\d.]+) Tf (?:\(((?:\\.|[^\\)])*)\)|<([0-9A-F]*)>) Tj/g)].map(
      ([, font, size, literal, hex]) => ({
        font,
        size: Number(size),
        text:
          literal !== undefined
            ? literal.replace(/\\205/g, '\u2026').replace(/\\(.)/g, '$1')
            : String.fromCharCode(...(hex?.match(/.{4}/g) ?? []).map((h) => Number.parseInt(h, 16))),
      }),
    );
    const width = runs.reduce((sum, run) => sum + [...run.text].length * (run.font === 'F1' ? 0.6 : 1) * run.size, 0);
    return { x: Number(x), y: Number(y), text: runs.map((run) => run.text).join(''), runs, width };
  });

const firstPageContent = (pdf: Buffer) => {
  const { text, offsets } = objectsOf(pdf);
  const [, , pageDictionary = '', contentId] = /^(\d+) 0 obj\n(<< \/Type \/Page .*\/Contents (\d+) 0 R >>)$/m.exec(text) ?? [];
  return { text, offsets, pageDictionary, content: inflateSync(streamOf(text, offsets, Number(contentId))).toString('latin1') };
};

describe('PDF label sheets', () => {
  it("writes an xref table whose offsets land on every object, and an image mask holding each code's modules in order", async () => {
    const options = { labelWidthMm: 50, labelHeightMm: 60, marginMm: 5 };
    const layout = pdfLayout(encoder.size, options);
    expect([layout.columns, layout.rows]).toEqual([4, 4]);
    const { text, offsets } = objectsOf(await pdfOf(options));
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text).toContain(`/Type /Pages /Count 1 `);
    const pages = [...text.matchAll(/^(\d+) 0 obj\n(<< \/Type \/Page .*\/Contents (\d+) 0 R >>)$/gm)];
    expect(pages).toHaveLength(1);
    const [, , pageDictionary = '', contentId] = pages[0] ?? [];
    const content = inflateSync(streamOf(text, offsets, Number(contentId))).toString('latin1');
    const symbols = symbolsOnPage(text, offsets, content, pageDictionary, encoder.size);
    expect(symbols).toHaveLength(codes.length);
    symbols.forEach((modules, i) => {
      expect(Buffer.from(modules).equals(Buffer.from(encoder.encode(codes[i]?.uri ?? '')))).toBe(true);
    });
    const lines = textObjects(content).map((t) => t.text);
    expect(lines).toEqual(codes.flatMap((c) => [SCAN_PROMPT, c.serial, `LOT ${c.lot}`]));
    expect(offsets.length).toBeGreaterThan(5);
  });

  it('fills pages and starts new ones, and gives the same bytes for the same codes', async () => {
    const options = { columns: 2, rows: 2, labelWidthMm: 40, labelHeightMm: 50 };
    const pdf = await pdfOf(options);
    const { text } = objectsOf(pdf);
    expect(text).toContain(`/Type /Pages /Count ${Math.ceil(codes.length / 4)} `);
    expect(text.match(/\/Type \/Page /g)).toHaveLength(3);
    expect((await pdfOf(options)).equals(pdf)).toBe(true);
    // An empty batch still gives a document with one (empty) page.
    expect(objectsOf(await pdfOf(options, [])).text).toContain('/Type /Pages /Count 1 ');
  });

  it('keeps a quiet zone of at least 4 modules and refuses labels too small for it', () => {
    const layout = pdfLayout(encoder.size, { labelWidthMm: 30, labelHeightMm: 40 });
    const first = layout.symbolOrigin(0);
    const second = layout.symbolOrigin(1);
    // Symbols of neighbouring labels are at least 8 modules (two quiet zones) apart.
    expect(second.x - first.x - encoder.size * layout.module).toBeGreaterThanOrEqual(8 * layout.module - 1e-9);
    expect(() => pdfLayout(encoder.size, { labelWidthMm: 30, labelHeightMm: 40, moduleMm: 0.5 })).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'LABEL_TOO_SMALL' }),
    );
    // A chosen module size is kept: the text is set smaller to fit under it, inside the label.
    const tight = pdfLayout(encoder.size, { labelWidthMm: 38, labelHeightMm: 40, marginMm: 0, moduleMm: 0.45 });
    expect(tight.module).toBeCloseTo(0.45 * (72 / 25.4), 9);
    expect(tight.fontSize).toBeLessThan(7);
    expect(tight.fontSize).toBeGreaterThanOrEqual(MIN_FONT_SIZE_PT);
    const labelBottom = tight.pageHeight - 40 * (72 / 25.4);
    expect(tight.textCentre(0, 3).y - 0.25 * tight.fontSize).toBeGreaterThanOrEqual(labelBottom);
    expect(tight.textCentre(0, 0).y + 0.9 * tight.fontSize).toBeLessThanOrEqual(
      tight.symbolOrigin(0).y - 4 * tight.module + 1e-9,
    );
    expect(() => pdfLayout(encoder.size, { columns: 9, labelWidthMm: 30 })).toThrow(
      expect.objectContaining({ code: 'LABEL_LAYOUT_INVALID' }),
    );
  });

  it('prints the scan prompt and the product name in Chinese through the non-embedded STSong-Light (UniGB-UCS2-H)', async () => {
    const pdf = await pdfOf({ productName: '安全帽 Safety helmet' }, codes.slice(0, 2));
    const { text, content, pageDictionary } = firstPageContent(pdf);
    expect(pageDictionary).toMatch(/\/Font << \/F1 3 0 R \/F2 5 0 R >>/);
    expect(text).toContain('/Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H');
    expect(text).toContain('/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>');
    expect(text).not.toContain('/FontFile');
    const objects = textObjects(content);
    expect(objects.map((t) => t.text).slice(0, 4)).toEqual([
      SCAN_PROMPT,
      '安全帽 Safety helmet',
      codes[0]?.serial,
      `LOT ${codes[0]?.lot}`,
    ]);
    expect(objects[1]?.runs.map((run) => [run.font, run.text])).toEqual([
      ['F2', '安全帽'],
      ['F1', ' Safety helmet'],
    ]);
  });

  it('keeps every line inside the smallest label the layout accepts, with the longest lot and a long name', async () => {
    const { codes: longest } = makeSignedCodes(3, { lot: 'ABCDEFGHIJ0123456789' });
    const name = '防护安全帽 ABS Safety helmet, class Y, white, with chin strap and ventilation '.repeat(3);
    // The narrowest label the layout takes, found by trying: every narrower one is refused.
    let width = 10;
    while (width < 60) {
      try {
        pdfLayout(encoder.size, { labelWidthMm: width, labelHeightMm: 60 });
        break;
      } catch (error) {
        expect(error).toMatchObject({ code: 'LABEL_TOO_SMALL' });
        width += 0.5;
      }
    }
    expect(width).toBeLessThanOrEqual(30);
    for (const labelWidthMm of [width, 30, 38]) {
      const options = { labelWidthMm, labelHeightMm: 60, marginMm: 5, productName: name };
      const layout = pdfLayout(encoder.size, options);
      const labelWidth = (labelWidthMm * 72) / 25.4;
      const objects = textObjects(firstPageContent(await pdfOf(options, longest)).content);
      expect(objects).toHaveLength(4 * longest.length);
      objects.forEach((line, i) => {
        const slot = Math.floor(i / 4);
        const left = 5 * (72 / 25.4) + (slot % layout.columns) * labelWidth;
        expect(line.x, line.text).toBeGreaterThanOrEqual(left + (72 / 25.4) * 0.99);
        expect(line.x + line.width, line.text).toBeLessThanOrEqual(left + labelWidth - (72 / 25.4) * 0.99);
        for (const run of line.runs) expect(run.size).toBeGreaterThanOrEqual(MIN_FONT_SIZE_PT);
      });
      // The lot and the serial are never cut; only a name too long for the label is, with an ellipsis.
      const texts = objects.map((line) => line.text);
      expect(texts).toContain(`LOT ${longest[0]?.lot}`);
      expect(texts).toContain(longest[0]?.serial);
      expect(texts[1]?.endsWith('\u2026')).toBe(true);
      expect(name.startsWith((texts[1] ?? '').slice(0, -1))).toBe(true);
    }
    // A label too narrow to print a 20-character lot legibly is refused, not overprinted.
    expect(() => pdfLayout(encoder.size, { labelWidthMm: width - 0.5, labelHeightMm: 60 })).toThrow(
      expect.objectContaining({ code: 'LABEL_TOO_SMALL' }),
    );
  });

  it('fits a line by shrinking it, then cutting it, never wider than allowed', () => {
    const kept = fitLine('LOT ABCDEFGHIJ0123456789', 7, 200);
    expect([kept.text, kept.size]).toEqual(['LOT ABCDEFGHIJ0123456789', 7]);
    expect(kept.width).toBeCloseTo(24 * 0.6 * 7, 9);
    const shrunk = fitLine('LOT ABCDEFGHIJ0123456789', 7, 79.37);
    expect(shrunk.size).toBeCloseTo(79.37 / 14.4, 6);
    expect(shrunk.width).toBeCloseTo(79.37, 6);
    const cut = fitLine('安全帽安全帽安全帽安全帽安全帽', 7, 30);
    expect(cut.size).toBe(MIN_FONT_SIZE_PT);
    expect(cut.width).toBeLessThanOrEqual(30);
    expect(cut.text).toBe('安全帽安全帽\u2026');
  });

  it('draws cut marks in the margin at every column and row edge when asked, and refuses them without a margin', async () => {
    const options = { labelWidthMm: 50, labelHeightMm: 60, marginMm: 5, cutMarks: true };
    const layout = pdfLayout(encoder.size, options);
    const { content } = firstPageContent(await pdfOf(options));
    const marks = [...content.matchAll(/([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l/g)].map((m) => m.slice(1, 5).map(Number));
    expect(marks).toHaveLength(2 * (layout.columns + 1) + 2 * (layout.rows + 1));
    const mm = 72 / 25.4;
    const [gridLeft, gridTop] = [5 * mm, layout.pageHeight - 5 * mm];
    const [gridRight, gridBottom] = [gridLeft + layout.columns * 50 * mm, gridTop - layout.rows * 60 * mm];
    for (const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] of marks) {
      const vertical = x1 === x2;
      // Each mark lies wholly in the margin, in line with a label edge.
      if (vertical) {
        expect(Math.min(y1, y2) >= gridTop || Math.max(y1, y2) <= gridBottom).toBe(true);
        expect(Math.abs((x1 - gridLeft) / (50 * mm) - Math.round((x1 - gridLeft) / (50 * mm)))).toBeLessThan(1e-3);
      } else {
        expect(Math.max(x1, x2) <= gridLeft || Math.min(x1, x2) >= gridRight).toBe(true);
        expect(Math.abs((gridTop - y1) / (60 * mm) - Math.round((gridTop - y1) / (60 * mm)))).toBeLessThan(1e-3);
      }
    }
    expect(firstPageContent(await pdfOf({ ...options, cutMarks: false })).content).not.toMatch(/ m [\d.]+ [\d.]+ l/);
    expect(() => pdfLayout(encoder.size, { ...options, marginMm: 2 })).toThrow(
      expect.objectContaining({ code: 'LABEL_LAYOUT_INVALID' }),
    );
  });
});
