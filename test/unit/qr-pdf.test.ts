import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type PdfOptions, pdfLabelSheets } from '#shared/codes/labels/pdf';
import { pdfLayout } from '#shared/codes/labels/pdf-layout';
import { createBatchQrEncoder } from '#shared/codes/qr/encoder';
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
    const serials = [...content.matchAll(/Td \(([^)]*)\) Tj/g)].map((m) => m[1]);
    expect(serials).toEqual(codes.flatMap((c) => [c.serial, `LOT ${c.lot}`]));
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
    expect(() => pdfLayout(encoder.size, { columns: 9, labelWidthMm: 30 })).toThrow(
      expect.objectContaining({ code: 'LABEL_LAYOUT_INVALID' }),
    );
  });
});
