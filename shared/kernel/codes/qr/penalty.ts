/**
 * The mask penalty of ISO/IEC 18004 §7.8.3 (N1 runs, N2 2×2 blocks, N3 finder-like patterns,
 * N4 dark balance), used once per batch to pick the mask its codes share.
 */

const N1 = 3;
const N2 = 3;
const N3 = 40;
const N4 = 10;
/** 1011101 with four light modules on one side, as 11-bit windows. */
const FINDER_LIKE = [0b10111010000, 0b00001011101];

export const penaltyOf = (modules: Uint8Array, size: number): number => {
  let score = 0;
  let dark = 0;
  for (let line = 0; line < size; line++) {
    for (const horizontal of [true, false]) {
      const at = (i: number) => modules[horizontal ? line * size + i : i * size + line] ?? 0;
      let run = 0;
      let previous = -1;
      let window = 0;
      for (let i = 0; i < size; i++) {
        const value = at(i);
        if (horizontal) dark += value;
        if (value === previous) run++;
        else {
          if (run >= 5) score += N1 + run - 5;
          run = 1;
          previous = value;
        }
        window = ((window << 1) | value) & 0x7ff;
        if (i >= 10 && FINDER_LIKE.includes(window)) score += N3;
      }
      if (run >= 5) score += N1 + run - 5;
    }
  }
  for (let r = 0; r < size - 1; r++) {
    for (let c = 0; c < size - 1; c++) {
      const v = modules[r * size + c];
      if (v === modules[r * size + c + 1] && v === modules[(r + 1) * size + c] && v === modules[(r + 1) * size + c + 1])
        score += N2;
    }
  }
  const total = size * size;
  score += N4 * Math.floor(Math.abs(dark * 100 - total * 50) / total / 5);
  return score;
};

/** The mask (0–7) whose symbols for `samples` score the lowest total penalty. */
export const choosePenaltyMask = (
  encoderFor: (mask: number) => { size: number; encode(text: string): Uint8Array },
  samples: readonly string[],
): number => {
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const encoder = encoderFor(mask);
    const score = samples.reduce((sum, text) => sum + penaltyOf(encoder.encode(text), encoder.size), 0);
    if (score < bestScore) [best, bestScore] = [mask, score];
  }
  return best;
};
