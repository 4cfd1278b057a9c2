import { deflateSync } from 'node:zlib';
import { type AnyIterable, forEachDarkRun, type LabelCode } from './label-code';
import { type PdfLayoutOptions, pdfLayout } from './pdf-layout';

/**
 * PDF label sheets written directly (PDF 1.4, ISO 32000-1 §7): each QR is drawn as filled
 * rectangles, one per run of dark modules in a row, in a coordinate system scaled to one
 * module so every rectangle is a few small integers; each page's content is deflated. Pages
 * are yielded as they fill, so memory holds one page plus the object offsets for the xref
 * table and the page list written at the end.
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
  encoder: { size: number; encodeInto(text: string, out: Uint8Array): Uint8Array },
  options: PdfOptions = {},
): AsyncGenerator<Uint8Array> {
  const size = encoder.size;
  const layout = pdfLayout(size, options);
  const level = options.deflateLevel ?? 6;
  const matrix = new Uint8Array(size * size);
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

  const pageStream = (content: string[]): Buffer => {
    const contentId = nextObject++;
    const pageId = nextObject++;
    pageObjects.push(pageId);
    const data = deflateSync(Buffer.from(content.join(''), 'latin1'), { level });
    const stream = object(contentId, [
      Buffer.from(`${contentId} 0 obj\n<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
    const page = object(
      pageId,
      `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${num(layout.pageWidth)} ${num(layout.pageHeight)}] ` +
        `/Resources << /Font << /F1 ${FONT} 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    return Buffer.concat([stream, page]);
  };

  // The binary comment line tells transfer tools the file is not text.
  yield emit('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  yield object(FONT, '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>');

  let content: string[] = [];
  let onPage = 0;
  for await (const code of codes) {
    encoder.encodeInto(code.uri, matrix);
    const origin = layout.symbolOrigin(onPage);
    // Module units with y up from the symbol's bottom-left corner: row r sits at size-1-r.
    content.push(`q ${num(layout.module)} 0 0 ${num(layout.module)} ${num(origin.x)} ${num(origin.y)} cm\n`);
    const runs: string[] = [];
    forEachDarkRun(matrix, size, (row, column, length) => runs.push(`${column} ${size - 1 - row} ${length} 1 re\n`));
    content.push(runs.join(''), 'f Q\n');
    ([code.serial, `LOT ${code.lot}`] as const).forEach((text, line) => {
      const centre = layout.textCentre(onPage, line);
      const x = centre.x - (text.length * COURIER_ADVANCE * layout.fontSize) / 2;
      content.push(`BT /F1 ${num(layout.fontSize)} Tf ${num(x)} ${num(centre.y)} Td ${pdfString(text)} Tj ET\n`);
    });
    if (++onPage === layout.perPage) {
      yield pageStream(content);
      content = [];
      onPage = 0;
    }
  }
  // A batch with no codes still gives a valid one-page document.
  if (onPage > 0 || pageObjects.length === 0) yield pageStream(content);

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
