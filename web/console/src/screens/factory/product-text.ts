import { gs1CheckDigit, isValidGtin14 } from '#kernel/codes/gtin';
import type { components } from '../../../../shared/openapi-types.generated';

export type Product = components['schemas']['Product'];
export type ProductWithLots = components['schemas']['ProductWithLots'];

/** The product's name in the reader's language, else the one it was registered under. */
export const productName = (product: Pick<Product, 'name' | 'names'>, language: string): string =>
  (language === 'en' ? product.names?.en : product.names?.zh) ?? product.name;

/** What is wrong with a GTIN as typed, for the form to say while it is typed (undefined: nothing). */
export type GtinProblem = { kind: 'length'; count: number } | { kind: 'checkDigit'; expected: number; given: number };

export const gtinProblem = (value: string): GtinProblem | undefined => {
  if (!/^\d{14}$/.test(value)) return { kind: 'length', count: value.replace(/\D/g, '').length };
  if (isValidGtin14(value)) return undefined;
  return { kind: 'checkDigit', expected: gs1CheckDigit(value.slice(0, 13)), given: Number(value[13]) };
};
