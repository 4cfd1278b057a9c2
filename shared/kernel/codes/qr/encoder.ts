import { BadRequestError } from '../../errors';
import { choosePenaltyMask } from './penalty';
import { encodeBlock, generatorLogsOf } from './reed-solomon';
import { blockLayout, byteCapacity, byteCountBits, type EccLevel, MAX_VERSION, smallestVersionFor } from './tables';
import { type QrTemplate, qrTemplate } from './template';

/**
 * A QR encoder fixed to one version, level and mask, for a whole batch of codes.
 *
 * Our Digital Link URIs go in byte mode as a single segment. Alphanumeric mode covers only
 * 0-9, A-Z, space and $%*+-./: — the scheme and host are lower case, the AI 8030 signature is
 * base64url with lower case letters and `_`, and `?` and `=` are outside the set — so only
 * the `/01/<gtin>/10/` stretch could switch modes, saving about 2 bytes after the extra segment
 * header: not worth a second code path, and one mode keeps every code of a batch in one
 * length class. See docs/codes-and-labels.md ("Printed labels").
 */
export interface QrEncoderOptions {
  /** Error-correction level; M (15 % of codewords recoverable) unless told. */
  ecc?: EccLevel;
  /** Force a version (1–40); otherwise the smallest that holds `maxBytes`. */
  version?: number;
  /** Force a mask (0–7); otherwise the one with the lowest penalty over `samples`, else 0. */
  mask?: number;
  /** Texts the mask choice is judged on (the batch's first few codes). */
  samples?: readonly string[];
}

export interface QrEncoder {
  readonly version: number;
  readonly ecc: EccLevel;
  readonly mask: number;
  /** Modules per side, without the quiet zone. */
  readonly size: number;
  /** Bytes of UTF-8 text a code of this encoder holds. */
  readonly capacity: number;
  /** A new row-major module matrix (1 = dark) of `size * size`. */
  encode(text: string): Uint8Array;
  /** Same, into `out` (reused across codes to spare the allocator). */
  encodeInto(text: string, out: Uint8Array): Uint8Array;
  /** Bytes per row of the packed form: `ceil(size / 8)`. */
  readonly rowBytes: number;
  /**
   * The same modules packed one bit each (1 = dark), rows top first, each row padded to a
   * byte, most significant bit leftmost: the layout of a PDF image mask or a 1-bit PNG row,
   * written without visiting every module. `out` holds `rowBytes * size` bytes.
   */
  encodePackedInto(text: string, out: Uint8Array): Uint8Array;
}

const utf8 = new TextEncoder();

export const createQrEncoder = (maxBytes: number, options: QrEncoderOptions = {}): QrEncoder => {
  const ecc = options.ecc ?? 'M';
  const version = options.version ?? smallestVersionFor(maxBytes, ecc);
  if (version === undefined || version > MAX_VERSION || byteCapacity(version, ecc) < maxBytes) {
    throw new BadRequestError(
      'QR_DATA_TOO_LONG',
      `${maxBytes} bytes do not fit a QR code at level ${ecc}${options.version ? ` and version ${options.version}` : ''}`,
    );
  }
  if (options.mask !== undefined && !(Number.isInteger(options.mask) && options.mask >= 0 && options.mask <= 7)) {
    throw new BadRequestError('QR_MASK_INVALID', 'The QR mask must be an integer from 0 to 7');
  }
  const mask =
    options.mask ??
    (options.samples?.length ? choosePenaltyMask((m) => symbolEncoder(qrTemplate(version, ecc, m)), options.samples) : 0);
  return symbolEncoder(qrTemplate(version, ecc, mask));
};

/** An encoder sized for the longest of `texts` (all codes of a batch), mask judged on the first few. */
export const createBatchQrEncoder = (texts: readonly string[], options: Omit<QrEncoderOptions, 'samples'> = {}): QrEncoder => {
  const maxBytes = texts.reduce((max, text) => Math.max(max, utf8.encode(text).length), 0);
  return createQrEncoder(maxBytes, { ...options, samples: texts.slice(0, 8) });
};

/**
 * Where each data and EC codeword lands in the interleaved stream (ISO/IEC 18004 §7.6):
 * data codewords taken column by column across the blocks, then the EC codewords likewise.
 * Computed once per encoder.
 */
const interleaving = (blockDataLengths: readonly number[], dataCodewords: number, ecPerBlock: number) => {
  const blocks = blockDataLengths.length;
  const blockStarts = new Uint32Array(blocks + 1);
  for (let b = 0; b < blocks; b++) blockStarts[b + 1] = (blockStarts[b] ?? 0) + (blockDataLengths[b] ?? 0);
  const dataTarget = new Uint32Array(dataCodewords);
  const longest = blockDataLengths[blocks - 1] ?? 0;
  let next = 0;
  for (let i = 0; i < longest; i++) {
    for (let b = 0; b < blocks; b++) if (i < (blockDataLengths[b] ?? 0)) dataTarget[(blockStarts[b] ?? 0) + i] = next++;
  }
  const ecTarget = new Uint32Array(blocks * ecPerBlock);
  for (let i = 0; i < ecPerBlock; i++) for (let b = 0; b < blocks; b++) ecTarget[b * ecPerBlock + i] = next++;
  return { blocks, blockStarts, dataTarget, ecTarget };
};

/** The template's fixed modules packed one bit each, and where each codeword bit goes in that form. */
const packedTemplate = ({ size, base, bitPositions }: QrTemplate) => {
  const rowBytes = Math.ceil(size / 8);
  const basePacked = new Uint8Array(rowBytes * size);
  const packedPositions = new Uint32Array(bitPositions.length);
  for (let index = 0; index < base.length; index++) {
    const row = Math.floor(index / size);
    const column = index % size;
    const at = row * rowBytes + (column >>> 3);
    if (base[index] === 1) basePacked[at] = (basePacked[at] ?? 0) | (0x80 >>> (column & 7));
  }
  bitPositions.forEach((index, i) => {
    packedPositions[i] = Math.floor(index / size) * rowBytes * 8 + (index % size);
  });
  return { rowBytes, basePacked, packedPositions };
};

/** Byte mode's data codewords for the first `written` bytes of `textBytes`, into `data`. */
const fillDataCodewords = (data: Uint8Array, textBytes: Uint8Array, written: number, countBits: number): void => {
  const dataCodewords = data.length;
  // Mode 0100 and the count take 12 or 20 bits, so every data byte straddles two codewords.
  let at: number;
  if (countBits === 8) {
    data[0] = 0x40 | (written >>> 4);
    data[1] = (written & 0x0f) << 4;
    at = 1;
  } else {
    data[0] = 0x40 | (written >>> 12);
    data[1] = (written >>> 4) & 0xff;
    data[2] = (written & 0x0f) << 4;
    at = 2;
  }
  for (let i = 0; i < written; i++) {
    const byte = textBytes[i] ?? 0;
    data[at] = (data[at] ?? 0) | (byte >>> 4);
    data[++at] = (byte & 0x0f) << 4;
  }
  // The 4-bit terminator fills the low half of `at`; pad codewords alternate 0xEC, 0x11.
  at++;
  for (let pad = 0xec; at < dataCodewords; at++, pad ^= 0xec ^ 0x11) data[at] = pad;
};

/** A function that writes the interleaved data and EC codewords of a text into one reused stream. */
const codewordWriter = (template: QrTemplate, capacity: number) => {
  const { version, ecc } = template;
  const { dataCodewords, totalCodewords, ecPerBlock, blockDataLengths } = blockLayout(version, ecc);
  const countBits = byteCountBits(version);
  const genLogs = generatorLogsOf(ecPerBlock);
  const { blocks, blockStarts, dataTarget, ecTarget } = interleaving(blockDataLengths, dataCodewords, ecPerBlock);
  const textBytes = new Uint8Array(capacity * 3 + 4);
  const data = new Uint8Array(dataCodewords);
  const ec = new Uint8Array(ecPerBlock);
  const stream = new Uint8Array(totalCodewords);
  return (text: string): Uint8Array => {
    const { read, written } = utf8.encodeInto(text, textBytes);
    if (read < text.length || written > capacity) {
      throw new BadRequestError('QR_DATA_TOO_LONG', `The text does not fit this batch's QR version ${version} at level ${ecc}`);
    }
    fillDataCodewords(data, textBytes, written, countBits);
    for (let i = 0; i < dataCodewords; i++) stream[dataTarget[i] ?? 0] = data[i] ?? 0;
    for (let b = 0; b < blocks; b++) {
      encodeBlock(data, blockStarts[b] ?? 0, blockStarts[b + 1] ?? 0, genLogs, ec);
      for (let i = 0; i < ecPerBlock; i++) stream[ecTarget[b * ecPerBlock + i] ?? 0] = ec[i] ?? 0;
    }
    return stream;
  };
};

const symbolEncoder = (template: QrTemplate): QrEncoder => {
  const { version, ecc, size } = template;
  const capacity = byteCapacity(version, ecc);
  const codewordsOf = codewordWriter(template, capacity);
  const { rowBytes, basePacked, packedPositions } = packedTemplate(template);

  const encodePackedInto = (text: string, out: Uint8Array): Uint8Array => {
    const stream = codewordsOf(text);
    out.set(basePacked);
    for (let i = 0; i < stream.length; i++) {
      const codeword = stream[i] ?? 0;
      if (codeword === 0) continue;
      const first = i * 8;
      for (let bit = 0; bit < 8; bit++) {
        if ((codeword >>> (7 - bit)) & 1) {
          const position = packedPositions[first + bit] ?? 0;
          out[position >>> 3] = (out[position >>> 3] ?? 0) ^ (0x80 >>> (position & 7));
        }
      }
    }
    return out;
  };

  // The one-byte-per-module form is unpacked from the packed one, so modules are placed in one place only.
  const scratch = new Uint8Array(rowBytes * size);
  const encodeInto = (text: string, out: Uint8Array): Uint8Array => {
    encodePackedInto(text, scratch);
    for (let row = 0; row < size; row++) {
      const from = row * rowBytes;
      const to = row * size;
      for (let column = 0; column < size; column++)
        out[to + column] = ((scratch[from + (column >>> 3)] ?? 0) >>> (7 - (column & 7))) & 1;
    }
    return out;
  };

  return {
    version,
    ecc,
    mask: template.mask,
    size,
    capacity,
    encodeInto,
    rowBytes,
    encodePackedInto,
    encode: (text) => encodeInto(text, new Uint8Array(size * size)),
  };
};
