import { Duration } from 'aws-cdk-lib';
import {
  CacheCookieBehavior,
  CacheHeaderBehavior,
  type CachePolicyProps,
  CacheQueryStringBehavior,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  type OriginRequestPolicyProps,
  OriginRequestQueryStringBehavior,
  type ResponseHeadersPolicyProps,
} from 'aws-cdk-lib/aws-cloudfront';

/**
 * What the verification CDN caches and forwards, as settings VerificationCdn builds its
 * policies from: the cache key of a verdict and of the JWKS, the origin request (the key
 * and nothing else) and the GS1 resolver's CORS.
 */

export const VERIFY_CACHE_POLICY: CachePolicyProps = {
  comment: 'Verification verdicts: path + AI 8030 + normalized Accept; the origin sets s-maxage',
  // linkType and Accept-Language are the GS1 resolver's: the viewer-request function
  // forwards one validated linkType, and a language only where a redirect depends on it.
  queryStringBehavior: CacheQueryStringBehavior.allowList('8030', 'linkType', 'lang'),
  headerBehavior: CacheHeaderBehavior.allowList('Accept', 'Accept-Language'),
  cookieBehavior: CacheCookieBehavior.none(),
  // The origin decides: 60 s for a verdict that can change (recall, expiry), a day for an
  // invalid signature, no-store for errors. Nothing is cached without its say-so.
  minTtl: Duration.seconds(0),
  defaultTtl: Duration.seconds(0),
  maxTtl: Duration.days(1),
  enableAcceptEncodingGzip: true,
  enableAcceptEncodingBrotli: true,
};

// What the cache key holds is forwarded anyway; this policy adds nothing to it, so the
// origin can never answer from a header, cookie or parameter the key does not hold. No
// viewer-location header either: a scan's place comes from the real-time log's c-country
// and c-ip (shared/scans/services/cdn-scan-log.ts), never from headers.
export const VERIFY_ORIGIN_REQUEST_POLICY: OriginRequestPolicyProps = {
  comment: 'Verification: the cache key and nothing else',
  headerBehavior: OriginRequestHeaderBehavior.none(),
  queryStringBehavior: OriginRequestQueryStringBehavior.none(),
  cookieBehavior: OriginRequestCookieBehavior.none(),
};

// The origin request policy forwards no Origin header, so API Gateway cannot add CORS
// headers to cached answers: CloudFront adds them (the same for every origin, so they
// never split the cache).
export const VERIFY_CORS_POLICY: ResponseHeadersPolicyProps = {
  comment: 'GS1 resolver CORS on the verification paths',
  corsBehavior: {
    accessControlAllowOrigins: ['*'],
    accessControlAllowMethods: ['GET', 'HEAD', 'OPTIONS'],
    accessControlAllowHeaders: ['Accept', 'Accept-Language'],
    accessControlExposeHeaders: ['Link', 'Location'],
    accessControlAllowCredentials: false,
    accessControlMaxAge: Duration.days(1),
    originOverride: true,
  },
};

// The verify page checks signatures on the phone against these keys: cached as long as
// the origin says (get-jwks), nothing from the viewer in the key.
export const JWKS_CACHE_POLICY: CachePolicyProps = {
  comment: 'The public signing keys (JWKS): path only; the origin sets the lifetime',
  queryStringBehavior: CacheQueryStringBehavior.none(),
  headerBehavior: CacheHeaderBehavior.none(),
  cookieBehavior: CacheCookieBehavior.none(),
  minTtl: Duration.seconds(0),
  defaultTtl: Duration.seconds(0),
  maxTtl: Duration.days(1),
  enableAcceptEncodingGzip: true,
  enableAcceptEncodingBrotli: true,
};
