import { NotFoundError } from '#kernel/errors';
import { headerUri, linkValue } from '#kernel/http/header-values';
import { type HttpResponse, text } from '#kernel/http/responses';
import { type LinkTypeRequest, parseLinkType } from '../domain/link-types';
import { preferredLanguage, type ResolverSubject, selectLink, subjectPath, toLinkset } from '../domain/linkset';
import { linkLevelsFor } from '../services/product-links-resolver';

/**
 * GS1-Conformant resolver behaviour of the Digital Link paths: which answer a request asks
 * for (linkType, else Accept), the linkset, and redirects. A unit's or container's default
 * link is our verdict, served in place: it must stay on this host to be trusted.
 */
export const LINKSET_MEDIA_TYPE = 'application/linkset+json';
const JSON_LD_CONTEXT = 'https://ref.gs1.org/standards/resolver/linkset-context';
/** Resolver answers can change (a factory edits its links): as short as a changeable verdict. */
const CACHE_CONTROL = 'public, max-age=60, s-maxage=60';

/** application/linkset+json listed before JSON and HTML (the CDN normalizes Accept the same way). */
export const prefersLinkset = (accept: string | undefined): boolean => {
  const value = accept?.toLowerCase() ?? '';
  const linkset = value.indexOf(LINKSET_MEDIA_TYPE);
  if (linkset === -1) return false;
  return [value.indexOf('text/html'), value.indexOf('application/json')].every((other) => other === -1 || other > linkset);
};

/** The Link header of every answer on a Digital Link path: where its linkset is. */
export const linksetLink = (baseUrl: string, subject: ResolverSubject): string =>
  linkValue(`${baseUrl.replace(/\/+$/, '')}${subjectPath(subject)}?linkType=linkset`, {
    rel: 'linkset',
    type: LINKSET_MEDIA_TYPE,
  });

export interface ResolverRequest {
  baseUrl: string;
  subject: ResolverSubject;
  linkType: string | undefined;
  headers: Record<string, string | undefined>;
}

/** Our own answers, which the handler computes: the verdict, or it as a lightweight verification message. */
export type OwnAnswer = 'verdict' | 'lightweight';

const requested = (request: ResolverRequest): LinkTypeRequest =>
  request.linkType === undefined
    ? prefersLinkset(request.headers.accept)
      ? { kind: 'linkset' }
      : { kind: 'type', linkType: 'defaultLink' }
    : parseLinkType(request.linkType);

/**
 * What to answer: one of our own answers (the handler builds it), or a linkset or a redirect
 * (built here). An unknown link type, and one this item has no link of, are 404s.
 */
export const resolve = async (request: ResolverRequest): Promise<OwnAnswer | HttpResponse> => {
  const wanted = requested(request);
  if (wanted.kind === 'unknown') throw new NotFoundError('LINK_TYPE_NOT_FOUND', `Unknown link type ${request.linkType}`);
  const label = request.subject.kind === 'unit' || request.subject.kind === 'container';
  if (label && wanted.kind === 'type' && wanted.linkType === 'defaultLink') return 'verdict';
  if (label && wanted.kind === 'type' && wanted.linkType === 'verificationService') return 'lightweight';

  const levels = await linkLevelsFor(request.baseUrl, request.subject);
  if (levels === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', 'No product is registered under this GTIN');
  const link = linksetLink(request.baseUrl, request.subject);
  if (wanted.kind === 'linkset') {
    return text(200, JSON.stringify(toLinkset(levels)), LINKSET_MEDIA_TYPE, {
      cacheControl: CACHE_CONTROL,
      headers: {
        vary: 'Accept',
        link: `${link}, ${linkValue(JSON_LD_CONTEXT, { rel: 'http://www.w3.org/ns/json-ld#context', type: 'application/ld+json' })}`,
      },
    });
  }
  const target = selectLink(levels, wanted.linkType, preferredLanguage(request.headers['accept-language']));
  if (target === undefined) throw new NotFoundError('LINK_NOT_FOUND', `No ${request.linkType ?? 'default'} link for this item`);
  // The query is not passed on: the CDN forwards only AI 8030 and linkType, and a label's
  // signature has no business on a third-party site.
  return {
    statusCode: 307,
    headers: {
      location: headerUri(target.href),
      link,
      'cache-control': CACHE_CONTROL,
      vary: 'Accept, Accept-Language',
      'x-content-type-options': 'nosniff',
    },
    body: '',
  };
};
