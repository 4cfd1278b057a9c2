import { deflateSync } from 'node:zlib';
import type { QrEncoder } from '../qr/encoder';
import type { AnyIterable, LabelCode } from './label-code';
import { type PdfLayoutOptions, pdfLayout } from './pdf-layout';

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
 * The serial and lot are set in Courier, one of the 14 standard fonts every reader has, so
 * nothing is embedded; monospace keeps 0/O and 1/I apart and makes centring exact
 * (every glyph is 600/1000 em wide).
 */
export interface PdfOptions extends PdfLayoutOptions {
  /** zlib level for page content; 6 unless told (1 is faster, larger). */
  deflateLevel?: number;
  /** Document title in the info dictionary. */
  title?: string;
}

const COURIER_ADVANCE = 0.6;
const CATALOG = 1;
const PAGES = 2;
const FONT = 3;
const INFO = 4;
const FIRST_PAGE_OBJECT = 5;

const num = (value: number): string => {
  const fixed = value.toFixed(3);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
};

/** A PDF literal string: backslash, parentheses escaped; anything outside printable ASCII as octal. */
export const pdfString = (text: string): string =>
  `(${text.replace(/[\\()]|[^\x20-\x7e]/g, (ch) =>
    '\\()'.includes(ch) ? `\\${ch}` : `\\${(ch.charCodeAt(0) & 0xff).toString(8).padStart(3, '0')}`,
  )})`;

export async function* pdfLabelSheets(
  codes: AnyIterable<LabelCode>,
  encoder: Pick<QrEncoder, 'size' | 'rowBytes' | 'encodePackedInto'>,
  options: PdfOptions = {},
): AsyncGenerator<Uint8Array> {
  const size = encoder.size;
  const layout = pdfLayout(size, options);
  const level = options.deflateLevel ?? 6;
  const offsets: number[] = [];
  const pageObjects: number[] = [];
  let position = 0;
  let nextObject = FIRST_PAGE_OBJECT;

  const emit = (text: string | Buffer): Buffer => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    position += bytes.length;
    return bytes;
  };
  const object = (id: number, body: string | Buffer[]): Buffer => {
    offsets[id] = position;
    const parts = typeof body === 'string' ? [Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1')] : body;
    return emit(Buffer.concat(parts));
  };

  const maskBytes = encoder.rowBytes * size;
  const maskDictionary = `<< /Type /XObject /Subtype /Image /Width ${size} /Height ${size} /ImageMask true /BitsPerComponent 1 /Decode [1 0] /Length ${maskBytes} >>\nstream\n`;

  const pageObjectsOf = (content: string[], masks: Buffer[]): Buffer => {
    const contentId = nextObject++;
    const maskIds = masks.map(() => nextObject++);
    const pageId = nextObject++;
    pageObjects.push(pageId);
    const data = deflateSync(Buffer.from(content.join(''), 'latin1'), { level });
    const parts = [
      object(contentId, [
        Buffer.from(`${contentId} 0 obj\n<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
        data,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]),
    ];
    masks.forEach((mask, i) => {
      const id = maskIds[i] ?? 0;
      parts.push(
        object(id, [
          Buffer.from(`${id} 0 obj\n${maskDictionary}`, 'latin1'),
          mask,
          Buffer.from('\nendstream\nendobj\n', 'latin1'),
        ]),
      );
    });
    const xObjects = maskIds.map((id, i) => `/Q${i} ${id} 0 R`).join(' ');
    parts.push(
      object(
        pageId,
        `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${num(layout.pageWidth)} ${num(layout.pageHeight)}] ` +
          `/Resources << /Font << /F1 ${FONT} 0 R >> /XObject << ${xObjects} >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
    return Buffer.concat(parts);
  };

  // The binary comment line tells transfer tools the file is not text.
  yield emit('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  yield object(FONT, '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>');

  const side = num(layout.module * size);
  // Every page has the same slots, so each slot's operators are formatted once, not per label.
  const placements = Array.from({ length: layout.perPage }, (_, slot) => {
    const origin = layout.symbolOrigin(slot);
    // An image fills the unit square, its first row at the top: scale it to the symbol's side.
    return `q ${side} 0 0 ${side} ${num(origin.x)} ${num(origin.y)} cm /Q${slot} Do Q\n`;
  });
  const placement = (slot: number) => placements[slot] ?? '';
  const textStarts = new Map<string, string>();
  /** Text centred on the slot's line: where it starts depends only on its length (Courier is monospace). */
  const textAt = (slot: number, line: number, length: number): string => {
    const key = `${slot}/${line}/${length}`;
    let start = textStarts.get(key);
    if (start === undefined) {
      const centre = layout.textCentre(slot, line);
      const x = centre.x - (length * COURIER_ADVANCE * layout.fontSize) / 2;
      start = `BT /F1 ${num(layout.fontSize)} Tf ${num(x)} ${num(centre.y)} Td `;
      textStarts.set(key, start);
    }
    return start;
  };
  let content: string[] = [];
  let masks: Buffer[] = [];
  for await (const code of codes) {
    const onPage = masks.length;
    // The encoder's packed rows are the mask's bits as they are: one row per image row, MSB first.
    masks.push(Buffer.from(encoder.encodePackedInto(code.uri, new Uint8Array(maskBytes)).buffer));
    content.push(placement(onPage));
    ([code.serial, `LOT ${code.lot}`] as const).forEach((text, line) => {
      content.push(textAt(onPage, line, text.length), pdfString(text), ' Tj ET\n');
    });
    if (masks.length === layout.perPage) {
      yield pageObjectsOf(content, masks);
      content = [];
      masks = [];
    }
  }
  // A batch with no codes still gives a valid one-page document.
  if (masks.length > 0 || pageObjects.length === 0) yield pageObjectsOf(content, masks);

  yield object(
    PAGES,
    `<< /Type /Pages /Count ${pageObjects.length} /Kids [${pageObjects.map((id) => `${id} 0 R`).join(' ')}] >>`,
  );
  yield object(CATALOG, `<< /Type /Catalog /Pages ${PAGES} 0 R >>`);
  yield object(INFO, `<< /Producer (TraceSeal) /Title ${pdfString(options.title ?? 'TraceSeal labels')} >>`);
  const xrefAt = position;
  const count = nextObject;
  const rows = ['xref\n', `0 ${count}\n`, '0000000000 65535 f \n'];
  for (let id = 1; id < count; id++) rows.push(`${String(offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`);
  yield emit(rows.join(''));
  yield emit(`trailer\n<< /Size ${count} /Root ${CATALOG} 0 R /Info ${INFO} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
}
