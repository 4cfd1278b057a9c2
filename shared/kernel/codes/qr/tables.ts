/**
 * The capacity tables of ISO/IEC 18004:2015 (tables 7 and 9): error-correction codewords per
 * block and number of blocks for each version and level. Everything else (total codewords,
 * block sizes, alignment centres) follows from these by the standard's formulas, so the
 * tables stay small enough to check by eye against the standard.
 */

export type EccLevel = 'L' | 'M' | 'Q' | 'H';
export const ECC_LEVELS: readonly EccLevel[] = ['L', 'M', 'Q', 'H'];
export const MIN_VERSION = 1;
export const MAX_VERSION = 40;

/** Index 0 is unused so a version indexes its own entry. */
const EC_PER_BLOCK: Record<EccLevel, readonly number[]> = {
  L: [
    0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  M: [
    0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  Q: [
    0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  H: [
    0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
};

const BLOCKS: Record<EccLevel, readonly number[]> = {
  L: [
    0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20,
    21, 22, 24, 25,
  ],
  M: [
    0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37,
    38, 40, 43, 45, 47, 49,
  ],
  Q: [
    0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48,
    51, 53, 56, 59, 62, 65, 68,
  ],
  H: [
    0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57,
    60, 63, 66, 70, 74, 77, 81,
  ],
};

/** The two-bit level indicator of the format information (L=01, M=00, Q=11, H=10). */
export const ECC_FORMAT_BITS: Record<EccLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

export const sizeOf = (version: number): number => version * 4 + 17;

/** Modules left for data and error correction once every function pattern is drawn. */
const rawDataModules = (version: number): number => {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
};

export interface BlockLayout {
  totalCodewords: number;
  dataCodewords: number;
  ecPerBlock: number;
  /** Data codewords of each block, short blocks first as the standard orders them. */
  blockDataLengths: readonly number[];
}

export const blockLayout = (version: number, ecc: EccLevel): BlockLayout => {
  const totalCodewords = Math.floor(rawDataModules(version) / 8);
  const ecPerBlock = EC_PER_BLOCK[ecc][version] ?? 0;
  const blocks = BLOCKS[ecc][version] ?? 0;
  const shortBlocks = blocks - (totalCodewords % blocks);
  const shortLength = Math.floor(totalCodewords / blocks) - ecPerBlock;
  const blockDataLengths = Array.from({ length: blocks }, (_, i) => (i < shortBlocks ? shortLength : shortLength + 1));
  return { totalCodewords, dataCodewords: totalCodewords - blocks * ecPerBlock, ecPerBlock, blockDataLengths };
};

/** Bits of the byte-mode character count indicator. */
export const byteCountBits = (version: number): number => (version <= 9 ? 8 : 16);

/** Bytes that fit in byte mode: 4 mode bits and the count indicator come first. */
export const byteCapacity = (version: number, ecc: EccLevel): number =>
  Math.floor((blockLayout(version, ecc).dataCodewords * 8 - 4 - byteCountBits(version)) / 8);

/** Centres of the alignment patterns along one axis. */
export const alignmentCentres = (version: number): number[] => {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const centres = [6];
  for (let pos = sizeOf(version) - 7; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
};

/** The smallest version whose byte capacity at this level holds `bytes`, or undefined. */
export const smallestVersionFor = (bytes: number, ecc: EccLevel, minVersion = MIN_VERSION): number | undefined => {
  for (let version = minVersion; version <= MAX_VERSION; version++) if (byteCapacity(version, ecc) >= bytes) return version;
  return undefined;
};
