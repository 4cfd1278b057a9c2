/**
 * CloudFront Function (cloudfront-js-2.0, viewer request) for the cached verification
 * behaviour. Accept is part of the cache key, and browsers, phone cameras and scanner apps
 * send hundreds of different Accept strings; left alone each would be its own cache entry.
 * It is rewritten to exactly one of two values, decided the way the origin decides
 * (shared/http/verification-page.ts prefersHtml): text/html when the viewer lists it
 * before application/json, otherwise application/json. The origin then sees the
 * normalized header too, so the cache key and the response always agree.
 *
 * Plain ES5 so it runs unchanged in the CloudFront runtime and in the unit test.
 */
export const NORMALIZE_ACCEPT_SOURCE = `function handler(event) {
  var request = event.request;
  var header = request.headers.accept;
  var accept = header && typeof header.value === 'string' ? header.value.toLowerCase() : '';
  var html = accept.indexOf('text/html');
  var json = accept.indexOf('application/json');
  var wantsHtml = html !== -1 && (json === -1 || html < json);
  request.headers.accept = { value: wantsHtml ? 'text/html' : 'application/json' };
  return request;
}
`;
