/**
 * A test report's PDF is checked by its bytes: it must start with the PDF header and end
 * with the `%%EOF` marker (ISO 32000-1 §7.5.5), trailing line breaks allowed. A cut-off
 * upload has no marker at its end and is refused rather than stored half, so the SHA-256
 * recorded is always that of a whole file.
 */
export const MAX_TEST_REPORT_PDF_BYTES = 3 * 1024 * 1024;

export type PdfCheck = { ok: true } | { ok: false; reason: 'not_pdf' | 'truncated' | 'empty' };

const HEADER = Buffer.from('%PDF-');
const EOF_MARKER = Buffer.from('%%EOF');

export const checkPdf = (bytes: Buffer): PdfCheck => {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  if (bytes.length < HEADER.length || !bytes.subarray(0, HEADER.length).equals(HEADER)) return { ok: false, reason: 'not_pdf' };
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d || bytes[end - 1] === 0x20)) end -= 1;
  const tail = bytes.subarray(Math.max(HEADER.length, end - EOF_MARKER.length), end);
  return tail.equals(EOF_MARKER) ? { ok: true } : { ok: false, reason: 'truncated' };
};
