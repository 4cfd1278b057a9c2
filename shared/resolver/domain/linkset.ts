import { pathOf, withQuery } from '#kernel/http/uri-encoding';
import { type LinkLanguage, type LinkType, linkTypeUri, type ProductLink } from './link-types';

/**
 * The links of one identified item, most granular level first, as the GS1-Conformant
 * resolver standard asks: a request for a unit also carries its product's links (walking
 * up the tree), and for each link type the most granular level that has one wins.
 * Pure: the resolver service feeds it the product and its stored links.
 */
export interface LinkTarget {
  href: string;
  title: string;
  type?: string;
  hreflang?: string[];
}

export interface LinkLevel {
  anchor: string;
  itemDescription: string;
  links: Partial<Record<LinkType, LinkTarget[]>>;
}

export type ResolverSubject =
  | { kind: 'product'; gtin: string }
  | { kind: 'lot'; gtin: string; lot: string }
  | { kind: 'unit'; gtin: string; lot: string; serial: string; digsig?: string }
  | { kind: 'container'; sscc: string; digsig?: string };

export interface LinksetInput {
  baseUrl: string;
  subject: ResolverSubject;
  /** The product's name and its factory's links; absent for containers. */
  product?: { name: string; links: readonly ProductLink[]; certifications?: readonly LinkTarget[] };
}

export interface Linkset {
  linkset: Array<{ anchor: string; itemDescription: string } & Record<string, LinkTarget[] | string>>;
}

const root = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The path of a subject's own verification URI, the anchor of its most granular level. */
export const subjectPath = (subject: ResolverSubject): string => {
  switch (subject.kind) {
    case 'product':
      return pathOf('01', subject.gtin);
    case 'lot':
      return pathOf('01', subject.gtin, '10', subject.lot);
    case 'unit':
      return pathOf('01', subject.gtin, '10', subject.lot, '21', subject.serial);
    case 'container':
      return pathOf('00', subject.sscc);
  }
};

const productLevel = (base: string, gtin: string, product: NonNullable<LinksetInput['product']>): LinkLevel => {
  const anchor = `${base}/01/${gtin}`;
  const links: LinkLevel['links'] = {};
  for (const link of product.links) {
    const target: LinkTarget = {
      href: link.href,
      title: link.title,
      type: link.type,
      ...(link.hreflang === undefined ? {} : { hreflang: [link.hreflang] }),
    };
    links[link.linkType] = [...(links[link.linkType] ?? []), target];
  }
  // Ours (the LA certificate, the test reports) follow the factory's own certification links.
  if (product.certifications !== undefined && product.certifications.length > 0) {
    links.certificationInfo = [...(links.certificationInfo ?? []), ...product.certifications];
  }
  // A product has no page of ours: its default is the factory's product information, or
  // else this list of links itself.
  const pip = links.pip?.[0];
  links.defaultLink = [
    pip === undefined
      ? { href: `${anchor}?linkType=linkset`, title: `Links for ${product.name}` }
      : { href: pip.href, title: pip.title },
  ];
  return { anchor, itemDescription: product.name, links };
};

/** A unit's or container's own level: our verdict (the default, served in place) and its custody history. */
const labelLevel = (
  base: string,
  subject: Extract<ResolverSubject, { kind: 'unit' | 'container' }>,
  description: string,
): LinkLevel => {
  const path = subjectPath(subject);
  const anchor = `${base}${path}`;
  const verify = withQuery(anchor, { '8030': subject.digsig });
  return {
    anchor,
    itemDescription: description,
    links: {
      verificationService: [{ href: verify, title: 'Verify this label (TraceSeal)' }],
      epcis: [
        {
          href: `${base}/v1/chain${path}`,
          title: 'Custody history as EPCIS 2.0 events (authorized participants only)',
          type: 'application/json',
        },
      ],
      defaultLink: [{ href: verify, title: 'Verify this label (TraceSeal)' }],
    },
  };
};

export const linkLevels = ({ baseUrl, subject, product }: LinksetInput): LinkLevel[] => {
  const base = root(baseUrl);
  if (subject.kind === 'container') return [labelLevel(base, subject, `Case or pallet ${subject.sscc}`)];
  const levels: LinkLevel[] = [];
  if (subject.kind === 'unit') {
    const description = `${product?.name ?? 'Unit'}, lot ${subject.lot}, serial ${subject.serial}`;
    levels.push(labelLevel(base, subject, description));
  }
  if (product !== undefined) levels.push(productLevel(base, subject.gtin, product));
  return levels;
};

/** RFC 9264 JSON, link relation types as GS1 vocabulary URIs. */
export const toLinkset = (levels: readonly LinkLevel[]): Linkset => ({
  linkset: levels.map((level) => ({
    anchor: level.anchor,
    itemDescription: level.itemDescription,
    ...Object.fromEntries(Object.entries(level.links).map(([type, targets]) => [linkTypeUri(type as LinkType), targets ?? []])),
  })),
});

/**
 * The link a request for `type` resolves to: the most granular level's links of that type,
 * the one in the viewer's language when there are several (else one without a language,
 * else the first). Undefined when no level has one.
 */
export const selectLink = (levels: readonly LinkLevel[], type: LinkType, language?: LinkLanguage): LinkTarget | undefined => {
  const targets = levels.find((level) => (level.links[type]?.length ?? 0) > 0)?.links[type] ?? [];
  return (
    targets.find((target) => language !== undefined && target.hreflang?.includes(language) === true) ??
    targets.find((target) => target.hreflang === undefined) ??
    targets[0]
  );
};

/**
 * The one supported language a viewer's Accept-Language prefers, or undefined. The CDN
 * normalizes the header the same way, so the cache key holds at most three values.
 */
export const preferredLanguage = (acceptLanguage: string | undefined): LinkLanguage | undefined => {
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  if (first === undefined || first === '') return undefined;
  if (first.startsWith('zh')) return 'zh-CN';
  if (first.startsWith('en')) return 'en';
  return undefined;
};
