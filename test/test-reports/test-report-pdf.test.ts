import { describe, expect, it } from 'vitest';
import { checkPdf } from '#shared/test-reports/domain/test-report-pdf';

const pdf = (tail: string) => Buffer.from(`%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n${tail}`);

describe('test report PDFs are judged by their bytes', () => {
  it('accepts a whole PDF, with or without line breaks after %%EOF', () => {
    expect(checkPdf(pdf('%%EOF'))).toEqual({ ok: true });
    expect(checkPdf(pdf('%%EOF\r\n'))).toEqual({ ok: true });
  });

  it('refuses a cut-off PDF, another type of file and an empty one', () => {
    expect(checkPdf(pdf('%%EO'))).toEqual({ ok: false, reason: 'truncated' });
    expect(checkPdf(Buffer.from('%PDF-'))).toEqual({ ok: false, reason: 'truncated' });
    expect(checkPdf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual({ ok: false, reason: 'not_pdf' });
    expect(checkPdf(Buffer.from('<html>%%EOF'))).toEqual({ ok: false, reason: 'not_pdf' });
    expect(checkPdf(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
  });
});
