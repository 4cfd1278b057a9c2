import { errorResponse as error, type ResponseSpec, route } from '#kernel/http/route-definition';
import {
  Linkset,
  LotResolverParams,
  ProductLinks,
  ProductLinksBody,
  ProductLinksParams,
  ProductResolverParams,
  ResolverDescription,
  ResolverQuery,
  UnmatchedResolverParams,
} from './schemas';

/**
 * The GS1 resolver's routes beside the verification routes (shared/app/routes.ts spreads
 * them into ROUTES): the description file, the product- and lot-level Digital Link URIs,
 * the catch-alls that answer a malformed Digital Link path 400 (rather than API Gateway's
 * 404), and a factory's product links.
 */

const RESOLVED = {
  200: {
    description: 'The linkset (linkType=linkset or Accept: application/linkset+json)',
    schema: Linkset,
    contentTypes: ['application/linkset+json'],
  },
  307: { description: 'Redirect to the requested (or default) link' },
  400: error('Not a GS1 Digital Link URI we serve, or a malformed linkType'),
  404: error('No such GTIN, or no link of the requested type'),
} satisfies Record<number, ResponseSpec>;

export const RESOLVER_ROUTES = {
  getResolverDescription: route({
    operationId: 'getResolverDescription',
    method: 'GET',
    path: '/.well-known/gs1resolver',
    functionName: 'get-resolver-description',
    headToo: true,
    summary: 'GS1 resolver description file',
    auth: 'public',
    responses: { 200: { description: 'The resolver description', schema: ResolverDescription } },
  }),
  resolveProduct: route({
    operationId: 'resolveProduct',
    method: 'GET',
    path: '/01/{gtin}',
    functionName: 'verify-code',
    headToo: true,
    summary: "A GTIN's links: its linkset, or a redirect to one of its factory's links",
    auth: 'public',
    params: ProductResolverParams,
    query: ResolverQuery,
    responses: RESOLVED,
  }),
  resolveLot: route({
    operationId: 'resolveLot',
    method: 'GET',
    path: '/01/{gtin}/10/{lot}',
    functionName: 'verify-code',
    headToo: true,
    summary: "A lot's links (its product's: a lot has none of its own)",
    auth: 'public',
    params: LotResolverParams,
    query: ResolverQuery,
    responses: RESOLVED,
  }),
  resolveUnitPath: route({
    operationId: 'resolveUnitPath',
    method: 'GET',
    path: '/01/{proxy+}',
    functionName: 'verify-code',
    headToo: true,
    summary: 'Any other /01/ path: a unit URI with a trailing slash is served as the unit, anything else is 400',
    auth: 'public',
    params: UnmatchedResolverParams,
    query: ResolverQuery,
    responses: {
      ...RESOLVED,
      200: {
        description: 'The verdict or the linkset',
        contentTypes: ['application/json', 'text/html', 'application/linkset+json'],
      },
    },
  }),
  resolveContainerPath: route({
    operationId: 'resolveContainerPath',
    method: 'GET',
    path: '/00/{proxy+}',
    functionName: 'verify-code',
    headToo: true,
    summary: 'Any other /00/ path: a container URI with a trailing slash is served as the container, anything else is 400',
    auth: 'public',
    params: UnmatchedResolverParams,
    query: ResolverQuery,
    responses: {
      ...RESOLVED,
      200: {
        description: 'The verdict or the linkset',
        contentTypes: ['application/json', 'text/html', 'application/linkset+json'],
      },
    },
  }),
  getProductLinks: route({
    operationId: 'getProductLinks',
    method: 'GET',
    path: '/v1/products/{gtin}/links',
    functionName: 'manage-product-links',
    summary: "Your product's resolver links (owner factory only)",
    auth: ['factory'],
    params: ProductLinksParams,
    responses: {
      200: { description: 'The links', schema: ProductLinks },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Not the factory that registered this GTIN'),
      404: error('GTIN not registered'),
    },
  }),
  putProductLinks: route({
    operationId: 'putProductLinks',
    method: 'PUT',
    path: '/v1/products/{gtin}/links',
    functionName: 'manage-product-links',
    summary: "Replace your product's resolver links (gs1:pip, certificationInfo, safetyInfo, instructions, recallStatus)",
    auth: ['factory'],
    params: ProductLinksParams,
    body: ProductLinksBody,
    responses: {
      200: { description: 'The links now published', schema: ProductLinks },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Not the factory that registered this GTIN'),
      404: error('GTIN not registered'),
      413: error('Body too large'),
      415: error('Body is not JSON'),
    },
  }),
} as const;
