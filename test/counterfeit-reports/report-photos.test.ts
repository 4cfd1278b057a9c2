import { describe, expect, it } from 'vitest';
import { provinceOf } from '#kernel/places/provinces';
import { checkPhoto } from '#shared/counterfeit-reports/domain/report-photos';
import { isReportReference, newReportReference } from '#shared/counterfeit-reports/domain/reports';
import { gifPhoto, jpegPhoto, pngPhoto } from '../support/reports';

const webp = (payload: number): Buffer => {
  const bytes = Buffer.alloc(12 + payload, 0);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(4 + payload, 4);
  bytes.write('WEBP', 8, 'ascii');
  return bytes;
};

describe('checkPhoto (type by magic bytes, completeness by the format’s own end)', () => {
  it('accepts complete JPEG, PNG and WebP', () => {
    expect(checkPhoto(jpegPhoto())).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(checkPhoto(pngPhoto())).toEqual({ ok: true, contentType: 'image/png' });
    expect(checkPhoto(webp(20))).toEqual({ ok: true, contentType: 'image/webp' });
  });

  it('refuses other types whatever their name or declared type', () => {
    expect(checkPhoto(gifPhoto())).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(checkPhoto(Buffer.from('%PDF-1.7'))).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(checkPhoto(Buffer.alloc(0))).toEqual({ ok: false, reason: 'unsupported_type' });
  });

  it('refuses cut-off images', () => {
    expect(checkPhoto(jpegPhoto(100).subarray(0, 90))).toEqual({ ok: false, reason: 'truncated' });
    expect(checkPhoto(pngPhoto().subarray(0, 30))).toEqual({ ok: false, reason: 'truncated' });
    expect(checkPhoto(webp(20).subarray(0, 25))).toEqual({ ok: false, reason: 'truncated' });
    // A WebP header claiming more than it carries, or less.
    expect(checkPhoto(Buffer.concat([webp(20), Buffer.alloc(4)]))).toEqual({ ok: false, reason: 'truncated' });
  });
});

describe('report references and provinces', () => {
  it('makes short, unambiguous references', () => {
    const reference = newReportReference(new Date('2026-11-24T00:00:00Z'));
    expect(reference).toMatch(/^TS-2026-[0-9A-Z]{6}$/);
    expect(isReportReference(reference)).toBe(true);
    expect(/[ILOU]/.test(reference.slice(8))).toBe(false);
  });

  it('reads the province of an organization region', () => {
    expect(provinceOf('CN-GD Shenzhen')).toBe('CN-GD');
    expect(provinceOf('cn-zj Hangzhou')).toBe('CN-ZJ');
  });
});
