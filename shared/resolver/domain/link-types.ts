/**
 * The GS1 Web Vocabulary link types TraceSeal's resolver serves for PPE, and how a
 * `linkType` query value names one. The vocabulary's namespace is published under three
 * spellings (the resolver test suite treats them alike); we answer the `ref.gs1.org` one.
 */
export const GS1_VOC = 'https://ref.gs1.org/voc/';
const GS1_VOC_SPELLINGS = /^https:\/\/(?:ref\.|www\.)?gs1\.org\/voc\/([A-Za-z]{1,40})$/;

/** Link types a factory manages for its product (`PUT /v1/products/{gtin}/links`). */
export const PRODUCT_LINK_TYPES = ['pip', 'certificationInfo', 'safetyInfo', 'instructions', 'recallStatus'] as const;
export type ProductLinkType = (typeof PRODUCT_LINK_TYPES)[number];

/**
 * Every link type the resolver answers. `verificationService` (our verdict) and `epcis`
 * (the chain API) are ours and never stored; `defaultLink` names the default of a level.
 */
export const LINK_TYPES = [...PRODUCT_LINK_TYPES, 'verificationService', 'epcis', 'defaultLink'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const LINK_LANGUAGES = ['zh-CN', 'en'] as const;
export type LinkLanguage = (typeof LINK_LANGUAGES)[number];

export interface ProductLink {
  linkType: ProductLinkType;
  href: string;
  title: string;
  hreflang?: LinkLanguage;
  /** Media type of the target, e.g. text/html or application/pdf. */
  type: string;
}

export type LinkTypeRequest = { kind: 'linkset' } | { kind: 'type'; linkType: LinkType } | { kind: 'unknown' };

/**
 * Syntax of a `linkType` value: `linkset` (or the deprecated `all`), a `gs1:` CURIE, or a
 * GS1 vocabulary URI. The CloudFront function checks the same syntax at the edge
 * (infra/cloudfront/verify-request.ts) and forwards the CURIE form.
 */
export const LINK_TYPE_SYNTAX = /^(?:linkset|all|gs1:[A-Za-z]{1,40}|https:\/\/(?:ref\.|www\.)?gs1\.org\/voc\/[A-Za-z]{1,40})$/;

/** A well-formed value naming no type we serve is `unknown` (a 404, as the resolver standard asks). */
export const parseLinkType = (value: string): LinkTypeRequest => {
  if (value === 'linkset' || value === 'all') return { kind: 'linkset' };
  const name = value.startsWith('gs1:') ? value.slice(4) : GS1_VOC_SPELLINGS.exec(value)?.[1];
  const known = LINK_TYPES.find((type) => type === name);
  return known === undefined ? { kind: 'unknown' } : { kind: 'type', linkType: known };
};

export const linkTypeUri = (type: LinkType): string => `${GS1_VOC}${type}`;
