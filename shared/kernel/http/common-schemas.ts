import { z } from 'zod';
import { LOT_PATTERN } from '../codes/digital-link';
import { gs1CheckDigit, isValidGtin14 } from '../codes/gtin';
import { ROLES } from '../roles';

/** Building blocks every resource's schemas share. */
export const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
export const text = (max: number) => z.string().trim().min(1).max(max);

/** The leading zeros that make a shorter GTIN (8, 12 or 13 digits) a GTIN-14. */
const PADDING: Readonly<Record<number, string>> = {
  8: 'six leading 0s (GTIN-8)',
  12: 'two leading 0s (GTIN-12, UPC-A)',
  13: 'a leading 0 (GTIN-13, EAN-13)',
};

/** What a caller must change, not only that the value is wrong. */
const gtinLengthMessage = (input: unknown): string => {
  const value = typeof input === 'string' ? input : '';
  const padding = /^\d+$/.test(value) ? PADDING[value.length] : undefined;
  if (padding !== undefined) return `must be 14 digits, not ${value.length}: add ${padding} for GTIN-14`;
  return /^\d*$/.test(value) ? `must be 14 digits, not ${value.length}` : 'must be 14 digits, and digits only';
};

const checkDigitMessage = (input: unknown): string => {
  const value = String(input);
  return `check digit is wrong: ${value.slice(0, 13)} takes ${gs1CheckDigit(value.slice(0, 13))}, not ${value.slice(13)}`;
};

export const Gtin14 = z
  .string()
  // abort: a value of the wrong length has no check digit to speak of.
  .regex(/^\d{14}$/, { error: (issue) => gtinLengthMessage(issue.input), abort: true })
  .refine(isValidGtin14, { error: (issue) => checkDigitMessage(issue.input) })
  .describe('GTIN-14 with a valid GS1 check digit (a GTIN-13 takes a leading 0)');

export const Lot = z.string().regex(LOT_PATTERN, 'must be 1 to 20 characters of A-Z a-z 0-9 - . _');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable error code'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Role = z.enum(ROLES);
