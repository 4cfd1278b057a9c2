import { deflateSync } from 'node:zlib';
import type { QrEncoder } from '../qr/encoder';
import type { AnyIterable, LabelCode } from './label-code';
import { LABEL_TEXT_LINES, type PdfLayout, type PdfLayoutOptions, pdfLayout } from './pdf-layout';
import { fitLine, pdfString, showText } from './pdf-text';

/**
 * PDF label sheets written directly (PDF 1.4, ISO 32000-1 §7). Each QR is an image mask
 * (§8.9.6.2): one bit per module, painted in the fill colour where the bit is set, scaled by
 * the page's transformation so one bit is one module. A million labels are then about 0.5 GB
 * written with no compression step; the earlier form, one filled rectangle per run of dark
 * modules, was 2.6 GB of operators that had to be deflated and wrote about 2,600 labels per
 * CPU-second. A mask keeps the modules' edges exact at any printer resolution (readers do not
 * interpolate masks unless asked). Pages are yielded as they fill, so memory holds one page
 * plus the object offsets for the xref table and the page list written at the end.
 *
 * Under each symbol: "扫码验真 / Scan to verify", the product's name, the serial and the lot
 * (pdf-text.ts: Courier and a CJK font no reader needs embedded), each line fitted to the
 * label's width. Lines that are the same on every label are formatted once per slot.
 */
export interface PdfOptions extends PdfLayoutOptions {
  /** zlib level for page content; 6 unless told (1 is faster, larger). */
  deflateLevel?: number;
  /** Document title in the info dictionary. */
  title?: string;
  /** The product's name, printed on every label (label-file-writer.ts labelProductName). */
  productName?: string;
}

/** Tells a person holding the unit what the code is for, in both of the page's languages. */
export const SCAN_PROMPT = '扫码验真 / Scan to verify';

const CATALOG = 1;
const PAGES = 2;
const FONT = 3;
const INFO = 4;
const CJK_FONT = 5;
const CJK_CID_FONT = 6;
const CJK_DESCRIPTOR = 7;
const FIRST_PAGE_OBJECT = 8;
const [PROMPT_LINE, NAME_LINE, SERIAL_LINE, LOT_LINE] = [0, 1, 2, 3];

const num = (value: number): string => {
  const fixed = value.toFixed(3);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
};

/** The fonts every page names: Courier, and the reader's own Adobe-GB1 font (not embedded). */
const FONT_OBJECTS: readonly (readonly [number, string])[] = [
  [FONT, '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>'],
  [
    CJK_FONT,
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${CJK_CID_FONT} 0 R] >>`,
  ],
  // /DW 1000 is every glyph's width (pdf-text.ts).
  [
    CJK_CID_FONT,
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${CJK_DESCRIPTOR} 0 R /DW 1000 >>`,
  ],
  [
    CJK_DESCRIPTOR,
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ],
];

/** The bytes written so far: each object's offset, kept for the xref table at the end. */
class PdfFile {
  public nextObject = FIRST_PAGE_OBJECT;
  public readonly pageObjects: number[] = [];
  private position = 0;
  private readonly offsets: number[] = [];

  public emit(text: string | Buffer): Buffer {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    this.position += bytes.length;
    return bytes;
  }

  public object(id: number, body: string | Buffer[]): Buffer {
    this.offsets[id] = this.position;
    const parts = typeof body === 'string' ? [Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1')] : body;
    return this.emit(Buffer.concat(parts));
  }

  /** A stream object: its dictionary, its bytes as they are, its end. */
  public stream(id: number, dictionary: string, data: Buffer): Buffer {
    return this.object(id, [
      Buffer.from(`${id} 0 obj\n${dictionary}`, 'latin1'),
      data,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
  }

  /** The cross-reference table (every object's offset) and the trailer that points at it. */
  public *xrefAndTrailer(): Generator<Buffer> {
    const xrefAt = this.position;
    const count = this.nextObject;
    const rows = ['xref\n', `0 ${count}\n`, '0000000000 65535 f \n'];
    for (let id = 1; id < count; id++) rows.push(`${String(this.offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`);
    yield this.emit(rows.join(''));
    yield this.emit(`trailer\n<< /Size ${count} /Root ${CATALOG} 0 R /Info ${INFO} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  }
}

/** Writes one page: its deflated content, one image mask per symbol, and the page object naming them. */
const pageWriter = (file: PdfFile, layout: PdfLayout, size: number, maskBytes: number, level: number) => {
  const maskDictionary = `<< /Type /XObject /Subtype /Image /Width ${size} /Height ${size} /ImageMask true /BitsPerComponent 1 /Decode [1 0] /Length ${maskBytes} >>\nstream\n`;
  return (content: string[], masks: Buffer[]): Buffer => {
    const contentId = file.nextObject++;
    const maskIds = masks.map(() => file.nextObject++);
    const pageId = file.nextObject++;
    file.pageObjects.push(pageId);
    const data = deflateSync(Buffer.from(content.join(''), 'latin1'), { level });
    const parts = [file.stream(contentId, `<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, data)];
    masks.forEach((mask, i) => {
      parts.push(file.stream(maskIds[i] ?? 0, maskDictionary, mask));
    });
    const xObjects = maskIds.map((id, i) => `/Q${i} ${id} 0 R`).join(' ');
    parts.push(
      file.object(
        pageId,
        `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${num(layout.pageWidth)} ${num(layout.pageHeight)}] ` +
          `/Resources << /Font << /F1 ${FONT} 0 R /F2 ${CJK_FONT} 0 R >> /XObject << ${xObjects} >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
    return Buffer.concat(parts);
  };
};

/**
 * The operators that place a label's symbol and print its text. Every page has the same
 * slots, so what depends on the slot alone is formatted once, not per label.
 */
const labelOperators = (layout: PdfLayout, size: number, productName: string) => {
  const side = num(layout.module * size);
  const placements = Array.from({ length: layout.perPage }, (_, slot) => {
    const origin = layout.symbolOrigin(slot);
    // An image fills the unit square, its first row at the top: scale it to the symbol's side.
    return `q ${side} 0 0 ${side} ${num(origin.x)} ${num(origin.y)} cm /Q${slot} Do Q\n`;
  });
  const placement = (slot: number) => placements[slot] ?? '';
  const cutMarks =
    layout.cutMarks.length === 0
      ? ''
      : `q 0.25 w ${layout.cutMarks.map(([x1, y1, x2, y2]) => `${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l`).join(' ')} S Q\n`;
  /** One line's operators, centred on its slot, fitted to the label's width. */
  const lineOps = (slot: number, line: number, text: string): string => {
    const fitted = fitLine(text, layout.fontSize, layout.textWidth);
    const centre = layout.textCentre(slot, line);
    return `BT ${num(centre.x - fitted.width / 2)} ${num(centre.y)} Td ${showText(fitted.text, num(fitted.size), 'F1', 'F2')} ET\n`;
  };
  // The prompt, the name and (within a batch) the lot are the same on every label: formatted
  // once per slot, kept until the text changes.
  const cached = Array.from({ length: LABEL_TEXT_LINES }, () => ({ text: '', ops: [] as string[] }));
  const constantLine = (slot: number, line: number, text: string): string => {
    const cache = cached[line] ?? { text: '', ops: [] };
    if (cache.text !== text) Object.assign(cache, { text, ops: [] });
    const ops = cache.ops[slot] ?? lineOps(slot, line, text);
    cache.ops[slot] = ops;
    cached[line] = cache;
    return ops;
  };
  // Serials are ASCII of one length: where one starts and its size depend on the slot alone.
  const serialStarts = new Map<string, string>();
  const serialLine = (slot: number, serial: string): string => {
    const key = `${slot}/${serial.length}`;
    let start = serialStarts.get(key);
    if (start === undefined) {
      const fitted = fitLine(serial, layout.fontSize, layout.textWidth);
      const centre = layout.textCentre(slot, SERIAL_LINE);
      start = `BT ${num(centre.x - fitted.width / 2)} ${num(centre.y)} Td /F1 ${num(fitted.size)} Tf `;
      serialStarts.set(key, start);
    }
    return `${start}${pdfString(serial)} Tj ET\n`;
  };
  /** Appends the label in `slot` to its page's content; the page's first label brings the cut marks. */
  return (content: string[], slot: number, code: LabelCode): void => {
    if (slot === 0) content.push(cutMarks);
    content.push(placement(slot), constantLine(slot, PROMPT_LINE, SCAN_PROMPT));
    if (productName !== '') content.push(constantLine(slot, NAME_LINE, productName));
    content.push(serialLine(slot, code.serial), constantLine(slot, LOT_LINE, `LOT ${code.lot}`));
  };
};

export async function* pdfLabelSheets(
  codes: AnyIterable<LabelCode>,
  encoder: Pick<QrEncoder, 'size' | 'rowBytes' | 'encodePackedInto'>,
  options: PdfOptions = {},
): AsyncGenerator<Uint8Array> {
  const size = encoder.size;
  const layout = pdfLayout(size, options);
  const maskBytes = encoder.rowBytes * size;
  const file = new PdfFile();
  const writePage = pageWriter(file, layout, size, maskBytes, options.deflateLevel ?? 6);
  const writeLabel = labelOperators(layout, size, options.productName?.trim() ?? '');

  // The binary comment line tells transfer tools the file is not text.
  yield file.emit('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  for (const [id, body] of FONT_OBJECTS) yield file.object(id, body);

  let content: string[] = [];
  let masks: Buffer[] = [];
  for await (const code of codes) {
    const onPage = masks.length;
    // The encoder's packed rows are the mask's bits as they are: one row per image row, MSB first.
    masks.push(Buffer.from(encoder.encodePackedInto(code.uri, new Uint8Array(maskBytes)).buffer));
    writeLabel(content, onPage, code);
    if (masks.length === layout.perPage) {
      yield writePage(content, masks);
      content = [];
      masks = [];
    }
  }
  // A batch with no codes still gives a valid one-page document.
  if (masks.length > 0 || file.pageObjects.length === 0) yield writePage(content, masks);

  const kids = file.pageObjects.map((id) => `${id} 0 R`).join(' ');
  yield file.object(PAGES, `<< /Type /Pages /Count ${file.pageObjects.length} /Kids [${kids}] >>`);
  yield file.object(CATALOG, `<< /Type /Catalog /Pages ${PAGES} 0 R >>`);
  yield file.object(INFO, `<< /Producer (TraceSeal) /Title ${pdfString(options.title ?? 'TraceSeal labels')} >>`);
  yield* file.xrefAndTrailer();
}
