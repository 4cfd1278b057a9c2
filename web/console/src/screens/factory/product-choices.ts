import type { components } from '../../../../shared/openapi-types.generated';

export type ProductLink = components['schemas']['ProductLink'];

/** The API's own lists, as its types name them: the form offers exactly what it accepts. */
export const PRODUCT_CATEGORIES = [
  'safety_helmet',
  'respirator',
  'gloves',
  'fall_arrest_harness',
  'eye_protection',
  'hearing_protection',
  'protective_clothing',
  'safety_footwear',
  'other',
] as const satisfies readonly components['schemas']['Product']['category'][];

export const LINK_TYPES = [
  'safetyInfo',
  'instructions',
  'certificationInfo',
  'pip',
  'recallStatus',
] as const satisfies readonly ProductLink['linkType'][];

/** What the registration form asks for: the three links a buyer or wearer looks for first. */
export const REGISTER_LINK_TYPES = ['safetyInfo', 'instructions', 'certificationInfo'] as const;
export type RegisterLinkType = (typeof REGISTER_LINK_TYPES)[number];

/** A link as the API takes it; a PDF by its address's ending, a web page otherwise. */
export const linkOf = (linkType: ProductLink['linkType'], href: string, title: string): ProductLink => ({
  linkType,
  href,
  title,
  type: /\.pdf($|[?#])/i.test(href) ? 'application/pdf' : 'text/html',
});
