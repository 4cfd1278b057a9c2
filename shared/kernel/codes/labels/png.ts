import { crc32, deflateSync } from 'node:zlib';
import { BadRequestError } from '../../errors';
import { type AnyIterable, type LabelCode, QUIET_ZONE_MODULES, requireIntegerIn } from './label-code';
import { fileNameOf, type RenderedFile } from './svg';

export interface PngOptions {
  /** Pixels per module; 5 (a 0.42 mm module at 300 dpi) unless told. */
  scale?: number;
  /** 1-bit grayscale (smallest) unless 8. */
  bitDepth?: 1 | 8;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const chunk = (type: string, data: Buffer): Buffer => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};

/** A QR as a grayscale PNG with the quiet zone, written directly (no image library). */
export const qrPng = (modules: Uint8Array, size: number, options: PngOptions = {}): Buffer => {
  const scale = requireIntegerIn('scale', options.scale ?? 5, 1, 64);
  const bitDepth = options.bitDepth ?? 1;
  if (bitDepth !== 1 && bitDepth !== 8) throw new BadRequestError('LABEL_OPTION_INVALID', 'bitDepth must be 1 or 8');
  const pixels = (size + 2 * QUIET_ZONE_MODULES) * scale;
  const rowBytes = bitDepth === 1 ? Math.ceil(pixels / 8) : pixels;
  // White is 1 (or 255): a zero-filled row is all dark, so start white and clear dark pixels.
  // Filter byte 0 then white (1 bits or 255) everywhere; dark pixels are cleared per module row
  // into one scanline that is then copied `scale` times.
  const stride = rowBytes + 1;
  const raw = Buffer.alloc(stride * pixels, 0xff);
  const line = Buffer.alloc(stride, 0xff);
  line[0] = 0;
  for (let y = 0; y < pixels; y++) raw[y * stride] = 0;
  for (let row = 0; row < size; row++) {
    line.fill(0xff, 1);
    for (let col = 0; col < size; col++) {
      if (modules[row * size + col] !== 1) continue;
      const x0 = (col + QUIET_ZONE_MODULES) * scale;
      for (let x = x0; x < x0 + scale; x++) {
        if (bitDepth === 1) line[1 + (x >>> 3)] = (line[1 + (x >>> 3)] ?? 0) & ~(0x80 >>> (x & 7));
        else line[1 + x] = 0;
      }
    }
    const top = (row + QUIET_ZONE_MODULES) * scale;
    for (let dy = 0; dy < scale; dy++) line.copy(raw, (top + dy) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(pixels, 0);
  header.writeUInt32BE(pixels, 4);
  header[8] = bitDepth;
  header[9] = 0; // grayscale
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
};

export async function* pngFiles(
  codes: AnyIterable<LabelCode>,
  encoder: { size: number; encodeInto(text: string, out: Uint8Array): Uint8Array },
  options: PngOptions = {},
): AsyncGenerator<RenderedFile> {
  const matrix = new Uint8Array(encoder.size * encoder.size);
  for await (const code of codes) {
    encoder.encodeInto(code.uri, matrix);
    yield { name: fileNameOf(code, 'png'), data: qrPng(matrix, encoder.size, options) };
  }
}
