/**
 * Photos of a counterfeit report are untrusted bytes from anyone. Their type is decided
 * by their first bytes, never by a file name or a declared content type, and an image
 * whose container says it is longer than what arrived (a cut-off upload, or a file
 * crafted to look like an image) is refused rather than stored half.
 */
export const MAX_REPORT_PHOTOS = 3;
export const MAX_REPORT_PHOTO_BYTES = 2 * 1024 * 1024;

export type ReportPhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

export const PHOTO_EXTENSIONS: Readonly<Record<ReportPhotoType, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export type PhotoCheck = { ok: true; contentType: ReportPhotoType } | { ok: false; reason: 'unsupported_type' | 'truncated' };

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((byte, i) => bytes[at + i] === byte);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A zero-length IEND chunk and its CRC: the only way a complete PNG ends. */
const PNG_END = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** JPEG ends with the EOI marker; PNG with IEND; WebP's RIFF header states its exact length. */
export const checkPhoto = (bytes: Uint8Array): PhotoCheck => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return startsWith(bytes, [0xff, 0xd9], bytes.length - 2)
      ? { ok: true, contentType: 'image/jpeg' }
      : { ok: false, reason: 'truncated' };
  }
  if (startsWith(bytes, PNG_SIGNATURE)) {
    return bytes.length >= PNG_SIGNATURE.length + PNG_END.length && startsWith(bytes, PNG_END, bytes.length - PNG_END.length)
      ? { ok: true, contentType: 'image/png' }
      : { ok: false, reason: 'truncated' };
  }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const declared = view.getUint32(4, true) + 8;
    return declared === bytes.length && bytes.length > 12
      ? { ok: true, contentType: 'image/webp' }
      : { ok: false, reason: 'truncated' };
  }
  return { ok: false, reason: 'unsupported_type' };
};
