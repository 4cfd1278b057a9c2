import { alignmentCentres, blockLayout, ECC_FORMAT_BITS, type EccLevel, sizeOf } from './tables';

/**
 * Everything about a symbol that does not depend on its data, computed once per
 * (version, level, mask): the function patterns with their format and version information,
 * the mask already applied to every data module, and where each data bit goes. Encoding a
 * code then copies `base` and flips the modules of its one bits.
 */
export interface QrTemplate {
  version: number;
  ecc: EccLevel;
  mask: number;
  size: number;
  /** Row-major, 1 = dark: function patterns drawn, data modules holding the mask of a zero bit. */
  base: Uint8Array;
  /** Module index of each codeword bit, most significant bit of codeword 0 first. */
  bitPositions: Uint32Array;
  /** Row-major, 1 = function module (never masked, never data). */
  isFunction: Uint8Array;
}

type MaskRule = (row: number, col: number) => boolean;

/** ISO/IEC 18004 table 10: a data module is inverted where its rule holds. */
export const MASK_RULES: readonly MaskRule[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** 15 format bits: level and mask, BCH(15,5) protected, XOR 0x5412. */
export const formatBits = (ecc: EccLevel, mask: number): number => {
  const data = (ECC_FORMAT_BITS[ecc] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
};

/** 18 version bits for versions 7 and up, BCH(18,6) protected. */
export const versionBits = (version: number): number => {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
};

const templates = new Map<string, QrTemplate>();

export const qrTemplate = (version: number, ecc: EccLevel, mask: number): QrTemplate => {
  const id = `${version}/${ecc}/${mask}`;
  const cached = templates.get(id);
  if (cached !== undefined) return cached;
  const template = buildTemplate(version, ecc, mask);
  templates.set(id, template);
  return template;
};

/** The symbol being built: each module's colour, and whether a function pattern holds it. */
interface Modules {
  size: number;
  base: Uint8Array;
  isFunction: Uint8Array;
  set(row: number, col: number, dark: boolean): void;
}

/** Timing patterns, the three finder patterns with their separators, and the alignment patterns. */
const placePatterns = ({ size, set }: Modules, version: number): void => {
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  // Finder patterns with their separators: rings at Chebyshev distance 2 and 4 are light.
  for (const [cr, cc] of [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const) {
    for (let dr = -4; dr <= 4; dr++) {
      for (let dc = -4; dc <= 4; dc++) {
        const r = cr + dr;
        const c = cc + dc;
        const distance = Math.max(Math.abs(dr), Math.abs(dc));
        if (r >= 0 && r < size && c >= 0 && c < size) set(r, c, distance !== 2 && distance !== 4);
      }
    }
  }
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((cr, i) => {
    centres.forEach((cc, j) => {
      // The three corners with finder patterns carry no alignment pattern.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) set(cr + dr, cc + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    });
  });
};

const bit = (value: number, i: number) => ((value >>> i) & 1) === 1;

/** The format information (twice) and, from version 7, the version information (twice). */
const placeFormatAndVersion = ({ size, set }: Modules, version: number, ecc: EccLevel, mask: number): void => {
  const format = formatBits(ecc, mask);
  for (let i = 0; i <= 5; i++) set(i, 8, bit(format, i));
  set(7, 8, bit(format, 6));
  set(8, 8, bit(format, 7));
  set(8, 7, bit(format, 8));
  for (let i = 9; i < 15; i++) set(8, 14 - i, bit(format, i));
  for (let i = 0; i < 8; i++) set(8, size - 1 - i, bit(format, i));
  for (let i = 8; i < 15; i++) set(size - 15 + i, 8, bit(format, i));
  set(size - 8, 8, true);

  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(b, a, bit(bits, i));
      set(a, b, bit(bits, i));
    }
  }
};

/**
 * The data region: every free module gets the mask's colour (so a codeword bit of 1 flips it),
 * and the codeword bits' positions in placement order.
 */
const placeDataRegion = ({ size, base, isFunction }: Modules, totalBits: number, mask: number): Uint32Array => {
  // Zig-zag placement in two-module columns from the bottom right, skipping the timing column.
  const bitPositions = new Uint32Array(totalBits);
  const rule = MASK_RULES[mask] ?? (() => false);
  let placed = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let vert = 0; vert < size; vert++) {
      const row = upward ? size - 1 - vert : vert;
      for (let j = 0; j < 2; j++) {
        const col = right - j;
        const index = row * size + col;
        if (isFunction[index] === 1) continue;
        // Remainder bits past the last codeword are zero, so they carry only the mask too.
        base[index] = rule(row, col) ? 1 : 0;
        if (placed < totalBits) bitPositions[placed++] = index;
      }
    }
  }
  return bitPositions;
};

const buildTemplate = (version: number, ecc: EccLevel, mask: number): QrTemplate => {
  const size = sizeOf(version);
  const base = new Uint8Array(size * size);
  const isFunction = new Uint8Array(size * size);
  const set = (row: number, col: number, dark: boolean) => {
    base[row * size + col] = dark ? 1 : 0;
    isFunction[row * size + col] = 1;
  };
  const modules: Modules = { size, base, isFunction, set };
  placePatterns(modules, version);
  placeFormatAndVersion(modules, version, ecc, mask);
  const bitPositions = placeDataRegion(modules, blockLayout(version, ecc).totalCodewords * 8, mask);
  return { version, ecc, mask, size, base, bitPositions, isFunction };
};
