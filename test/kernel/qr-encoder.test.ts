import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createBatchQrEncoder, createQrEncoder } from '#kernel/codes/qr/encoder';
import { byteCapacity, ECC_LEVELS, type EccLevel, MAX_VERSION, sizeOf } from '#kernel/codes/qr/tables';
import { LONG_BASE_URL, makeSignedCodes, verifiesAgainstJwks } from '../support/qr-label-codes';

/**
 * Our encoder against two references that share nothing with it: the `qrcode` package, forced
 * to the same version, level and mask, must draw the identical module matrix (so the data
 * and EC codeword streams, their interleaving and placement are identical too), and `jsqr`
 * must read our matrices back to the exact text.
 */
const theirs = (text: string, version: number, ecc: EccLevel, mask: number): Uint8Array => {
  const symbol = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    version,
    errorCorrectionLevel: ecc,
    maskPattern: mask as QRCode.QRCodeMaskPattern,
  });
  expect(symbol.modules.size).toBe(sizeOf(version));
  return Uint8Array.from(symbol.modules.data, (v) => (v ? 1 : 0));
};

/** A printable text of `length` bytes that varies with its seed. */
const textOf = (length: number, seed: number): string =>
  Array.from({ length }, (_, i) => String.fromCharCode(33 + ((i * 31 + seed * 17 + ((i * i) % 7)) % 94))).join('');

/** The matrix as an RGBA image with a 4-module quiet zone, 3 px per module, for jsQR. */
const rgbaOf = (modules: Uint8Array, size: number, scale = 3) => {
  const side = (size + 8) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(y / scale) - 4;
      const col = Math.floor(x / scale) - 4;
      if (row >= 0 && col >= 0 && row < size && col < size && modules[row * size + col] === 1) {
        pixels.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
      }
    }
  }
  return { pixels, side };
};

describe('QR encoder', () => {
  it('draws the same matrix as qrcode for every version and level, and for every mask', () => {
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    let compared = 0;
    for (let version = 1; version <= MAX_VERSION; version++) {
      for (const ecc of ECC_LEVELS) {
        const capacity = byteCapacity(version, ecc);
        const masks = (version === 1 || version === 10) && ecc === 'M' ? [0, 1, 2, 3, 4, 5, 6, 7] : [(version + compared) % 8];
        for (const mask of masks) {
          // Full capacity (no pad codewords) or a shorter text (terminator and pad codewords), alternately.
          const length = (version + mask) % 2 === 0 ? capacity : Math.max(1, Math.floor(capacity / 3));
          const text = textOf(length, version * 8 + mask);
          const encoder = createQrEncoder(length, { ecc, version, mask });
          expect(same(encoder.encode(text), theirs(text, version, ecc, mask)), `version ${version} ${ecc} mask ${mask}`).toBe(
            true,
          );
          compared++;
        }
      }
    }
    expect(compared).toBe(40 * 4 + 14);
  }, 120_000);

  it('packs the same modules one bit each, rows padded to a byte, for every version', () => {
    for (let version = 1; version <= MAX_VERSION; version++) {
      const ecc = ECC_LEVELS[version % ECC_LEVELS.length] ?? 'M';
      const length = Math.max(1, Math.floor(byteCapacity(version, ecc) / 2));
      const encoder = createQrEncoder(length, { ecc, version, mask: version % 8 });
      const { size, rowBytes } = encoder;
      expect(rowBytes).toBe(Math.ceil(size / 8));
      const text = textOf(length, version);
      const modules = encoder.encode(text);
      // Filled with ones first: padding bits must come out zero, so nothing stale survives.
      const packed = encoder.encodePackedInto(text, new Uint8Array(rowBytes * size).fill(0xff));
      const unpacked = new Uint8Array(size * size);
      for (let row = 0; row < size; row++) {
        for (let column = 0; column < rowBytes * 8; column++) {
          const bit = ((packed[row * rowBytes + (column >> 3)] ?? 0) >> (7 - (column & 7))) & 1;
          if (column < size) unpacked[row * size + column] = bit;
          else expect(bit, `padding bit of row ${row}, version ${version}`).toBe(0);
        }
      }
      expect(Buffer.from(unpacked).equals(Buffer.from(modules)), `version ${version}`).toBe(true);
    }
  });

  it('encodes signed Digital Link URIs that jsQR reads back exactly and that verify against the JWKS', async () => {
    const { codes, jwks } = makeSignedCodes(12);
    for (const ecc of ECC_LEVELS) {
      const encoder = createBatchQrEncoder(
        codes.map((c) => c.uri),
        { ecc },
      );
      const matrix = new Uint8Array(encoder.size * encoder.size);
      for (const code of codes) {
        const { pixels, side } = rgbaOf(encoder.encodeInto(code.uri, matrix), encoder.size);
        const decoded = jsQR(pixels, side, side);
        expect(decoded?.data).toBe(code.uri);
        expect(decoded?.version).toBe(encoder.version);
        expect(await verifiesAgainstJwks(decoded?.data ?? '', jwks)).toBe(true);
      }
    }
  });

  it('picks the smallest version that holds the longest URI of the batch, and one mask for all of it', () => {
    const { codes } = makeSignedCodes(3);
    const longest = Math.max(...codes.map((c) => Buffer.byteLength(c.uri)));
    expect(longest).toBe(LONG_BASE_URL.length + 158);
    const encoder = createBatchQrEncoder(codes.map((c) => c.uri));
    expect(encoder.ecc).toBe('M');
    expect(byteCapacity(encoder.version, 'M')).toBeGreaterThanOrEqual(longest);
    expect(byteCapacity(encoder.version - 1, 'M')).toBeLessThan(longest);
    // Shorter URIs of the batch share the version: the rest of the symbol is pad codewords.
    const short = 'https://v.example/01/09506000134352/10/L/21/A';
    const { pixels, side } = rgbaOf(encoder.encode(short), encoder.size);
    expect(jsQR(pixels, side, side)?.data).toBe(short);
  });

  it('draws every forced mask as qrcode does, and each reads back for every forced mask', () => {
    const { codes } = makeSignedCodes(1);
    const uri = codes[0]?.uri ?? '';
    for (let mask = 0; mask < 8; mask++) {
      const encoder = createQrEncoder(Buffer.byteLength(uri), { mask });
      const { pixels, side } = rgbaOf(encoder.encode(uri), encoder.size);
      expect(jsQR(pixels, side, side)?.data).toBe(uri);
      expect(Buffer.from(encoder.encode(uri)).equals(Buffer.from(theirs(uri, encoder.version, 'M', mask)))).toBe(true);
    }
  });

  it('refuses text that does not fit the batch version, and bad options, as 4xx errors', () => {
    const encoder = createQrEncoder(20, { version: 2, ecc: 'M' });
    expect(() => encoder.encode('x'.repeat(encoder.capacity + 1))).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'QR_DATA_TOO_LONG' }),
    );
    // Non-ASCII counts in UTF-8 bytes, not characters.
    expect(() => encoder.encode('é'.repeat(encoder.capacity))).toThrow(expect.objectContaining({ code: 'QR_DATA_TOO_LONG' }));
    expect(() => createQrEncoder(3000, { ecc: 'H' })).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'QR_DATA_TOO_LONG' }),
    );
    expect(() => createQrEncoder(10, { mask: 8 })).toThrow(expect.objectContaining({ statusCode: 400, code: 'QR_MASK_INVALID' }));
    const utf8 = 'Größe-ß';
    const wide = createQrEncoder(Buffer.byteLength(utf8));
    const { pixels, side } = rgbaOf(wide.encode(utf8), wide.size);
    expect(jsQR(pixels, side, side)?.binaryData).toEqual([...Buffer.from(utf8)]);
  });
});
