import { z } from 'zod';
import { LOT_PATTERN } from '#shared/codes/digital-link';
import { isValidGtin14 } from '#shared/codes/gtin';
import { ROLES } from '#shared/domain/types';

/** Building blocks every resource's schemas share. */
export const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
export const text = (max: number) => z.string().trim().min(1).max(max);

export const Gtin14 = z
  .string()
  .regex(/^\d{14}$/, 'must be 14 digits')
  .refine(isValidGtin14, 'check digit is wrong')
  .describe('GTIN-14 with a valid GS1 check digit');

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
