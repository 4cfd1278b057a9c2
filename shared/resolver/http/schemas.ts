import { z } from 'zod';
import { Gtin14, text } from '#kernel/http/common-schemas';
import { LINK_LANGUAGES, LINK_TYPE_SYNTAX, PRODUCT_LINK_TYPES } from '../domain/link-types';

/** GS1 resolver: the description file, linksets, product links and verification messages. */
export const LinkTypeParam = z
  .string()
  .regex(LINK_TYPE_SYNTAX, 'must be linkset, a gs1: link type or a GS1 vocabulary URI')
  .describe('GS1 link type (gs1:pip, gs1:verificationService, …) or linkset');

/** https only, and a host the GS1 linkset schema accepts (its href pattern). */
const HttpsHref = z
  .string()
  .max(2000)
  .regex(/^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][^\s"<>\\^`{|}]*)?$/, 'must be an https URL')
  .refine((value) => URL.canParse(value), 'must be an https URL');

export const ProductLink = z
  .object({
    linkType: z.enum(PRODUCT_LINK_TYPES).describe('GS1 link type, without the gs1: prefix'),
    href: HttpsHref,
    title: text(200),
    hreflang: z.enum(LINK_LANGUAGES).optional(),
    type: z
      .string()
      .max(100)
      .regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'must be a media type such as text/html')
      .describe('Media type of the target'),
  })
  .meta({ id: 'ProductLink' });

export const ProductLinksParams = z.object({ gtin: Gtin14 });
export const ProductLinksBody = z.object({ links: z.array(ProductLink).max(50) });
export const ProductLinks = z.object({ gtin: z.string(), links: z.array(ProductLink) }).meta({ id: 'ProductLinks' });

const LinkTarget = z.strictObject({
  href: z.string().regex(/^https?:\/\/[a-zA-Z0-9./]+/),
  title: z.string(),
  type: z
    .string()
    .regex(/\w+\/[-+.\w]+/)
    .optional(),
  hreflang: z.array(z.string().regex(/(^\w{2}$)|(^\w{2}-\w{2}$)/)).optional(),
});

/**
 * GS1's linkset schema (RFC 9264 JSON as GS1 constrains it), encoded here because the
 * published schema is fetched from gs1.github.io and is not available offline: each context
 * object has an anchor and an itemDescription, every other member is a link relation (a
 * lower-case name or a URI) holding link targets with href and title.
 */
export const Linkset = z
  .strictObject({
    linkset: z.array(
      z
        .object({ anchor: z.string().regex(/^https?:\/\/[a-zA-Z0-9./]+/), itemDescription: z.string() })
        .catchall(z.array(LinkTarget))
        .superRefine((context, ctx) => {
          for (const key of Object.keys(context)) {
            if (key === 'anchor' || key === 'itemDescription') continue;
            if (!/^([a-z-]+$)|(^https?:\/\/[a-zA-Z0-9./]+$)/.test(key))
              ctx.addIssue({ code: 'custom', message: `bad relation ${key}` });
          }
        }),
    ),
  })
  .meta({ id: 'Linkset' });

/**
 * The resolver description file. GS1's schema (ref.gs1.org/standards/resolver/description-file-schema)
 * is not available offline; this encodes what it requires (resolverRoot, supportedPrimaryKeys
 * from GS1's list of primary keys) and the optional members we publish.
 */
export const ResolverDescription = z
  .strictObject({
    name: z.string(),
    resolverRoot: z.string().regex(/^https?:\/\/[^/?#]+$/),
    supportedPrimaryKeys: z
      .array(
        z.enum([
          'all',
          '00',
          '01',
          '253',
          '255',
          '401',
          '402',
          '414',
          '417',
          '8003',
          '8004',
          '8006',
          '8010',
          '8013',
          '8017',
          '8018',
        ]),
      )
      .min(1),
    supportedLinkType: z.array(z.strictObject({ namespace: z.string(), prefix: z.string() })),
    linkTypeDefaultCanBeLinkset: z.boolean(),
    supportedContextValuesEnumerated: z.array(z.string()).optional(),
    contact: z.strictObject({ fn: z.string(), hasURL: z.string().optional() }).optional(),
  })
  .meta({ id: 'ResolverDescription' });

export const LightweightVerification = z
  .strictObject({
    verificationTimestamp: z.iso.datetime(),
    data: z.strictObject({
      verified: z.boolean(),
      verificationFailureReason: z.enum(['No_match_GTIN_Serial', 'No_match_GTIN_Serial_Lot']).optional(),
      additionalInfo: z.enum(['Expired', 'Recalled', 'Suspect']).optional(),
    }),
  })
  .meta({ id: 'LightweightVerification' });

export const ResolverQuery = z.looseObject({ linkType: LinkTypeParam.optional() });
export const ProductResolverParams = z.object({ gtin: z.string() });
export const LotResolverParams = z.object({ gtin: z.string(), lot: z.string() });
export const UnmatchedResolverParams = z.object({
  // API Gateway names the value `proxy`; the handler reads the raw path, this only documents it.
  'proxy+': z.string().optional().describe('The rest of the path'),
});
