import { BadRequestError } from '../../errors';

/** What a printed label carries: the URI in the QR, the serial and lot in plain text. */
export interface LabelCode {
  uri: string;
  serial: string;
  lot: string;
}

export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/**
 * ISO/IEC 18004 asks for a light margin of 4 modules around the symbol; scanners lose
 * codes packed tighter, so no writer goes below it.
 */
export const QUIET_ZONE_MODULES = 4;

export const MM_PER_INCH = 25.4;
export const PT_PER_MM = 72 / MM_PER_INCH;

/** Calls `onRun(row, column, length)` for every horizontal run of dark modules, top row first. */
export const forEachDarkRun = (
  modules: Uint8Array,
  size: number,
  onRun: (row: number, column: number, length: number) => void,
): void => {
  for (let row = 0; row < size; row++) {
    const offset = row * size;
    let column = 0;
    while (column < size) {
      if (modules[offset + column] !== 1) {
        column++;
        continue;
      }
      const start = column;
      while (column < size && modules[offset + column] === 1) column++;
      onRun(row, start, column - start);
    }
  }
};

export const requirePositive = (name: string, value: number): number => {
  if (!(Number.isFinite(value) && value > 0))
    throw new BadRequestError('LABEL_OPTION_INVALID', `${name} must be a positive number`);
  return value;
};

export const requireIntegerIn = (name: string, value: number, min: number, max: number): number => {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new BadRequestError('LABEL_OPTION_INVALID', `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
};
