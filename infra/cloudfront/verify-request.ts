/**
 * CloudFront Function (cloudfront-js-2.0, viewer request) of the cached verification
 * behaviours. It makes the request the origin sees exactly the request the cache key
 * describes, so no viewer can store under one key an answer computed from something else
 * (cache poisoning) or split one verdict into endless keys (cache busting):
 *
 * - Query: exactly one raw `8030` parameter of 90 base64url characters survives; every
 *   other parameter is dropped. Two `8030` values, a name that only decodes to `8030`
 *   (`%38030`, `8030%20`, `+8030`) or a value with anything but base64url (a percent
 *   escape API Gateway would decode) are answered 400 here, never forwarded.
 * - Path: a percent-escape of an unreserved character (`L%2D1`) is decoded (RFC 3986
 *   6.2.2.2), so every GS1-equivalent spelling of a label shares one cache entry and the
 *   origin sees the plain form whether or not API Gateway decodes path parameters itself;
 *   other escapes keep their character and get upper-case hex. No TraceSeal label needs an
 *   escape, so what is left escaped is never one of ours (the origin answers it `invalid`).
 * - Accept: browsers, phone cameras and scanner apps send hundreds of Accept strings; it is
 *   rewritten to exactly one of two values, decided the way the origin decides
 *   (shared/verification/http/verification-page.ts prefersHtml): text/html when the viewer lists it
 *   before application/json, otherwise application/json.
 * - Language: the HTML page is zh-CN or en (shared/verification/http/page-messages.ts pageLanguage). For
 *   an HTML request the function always sets exactly one `lang` parameter, zh-CN or en, from
 *   the page's own switch link (`?lang=`) or else Accept-Language, so the language is in the
 *   cache key with two values at most; JSON answers never carry it.
 *
 * Plain ES5 so it runs unchanged in the CloudFront runtime and in the unit test.
 */
export const VERIFY_REQUEST_SOURCE = `var DIGSIG = /^[A-Za-z0-9_-]{90}$/;

function badRequest(code, message) {
  return {
    statusCode: 400,
    statusDescription: 'Bad Request',
    headers: {
      'content-type': { value: 'application/json' },
      'cache-control': { value: 'no-store' }
    },
    body: { encoding: 'text', data: JSON.stringify({ error: { code: code, message: message } }) }
  };
}

function decodedName(name) {
  try {
    return decodeURIComponent(name.replace(/\\+/g, ' ')).trim();
  } catch (e) {
    return name;
  }
}

function normalizedPath(uri) {
  return uri.replace(/%([0-9A-Fa-f]{2})/g, function (escape, hex) {
    var c = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9._~-]$/.test(c) ? c : '%' + hex.toUpperCase();
  });
}

// GS1 resolver (shared/resolver/domain/link-types.ts): one linkType, forwarded as its gs1: CURIE.
var LINK_TYPE = /^(?:linkset|all|gs1:[A-Za-z]{1,40}|https:\\/\\/(?:ref\\.|www\\.)?gs1\\.org\\/voc\\/[A-Za-z]{1,40})$/;

function linkTypeOf(query) {
  var entry = query.linkType;
  if (entry === undefined) return undefined;
  if (entry.multiValue && entry.multiValue.length > 1) return null;
  var value;
  try {
    value = decodeURIComponent(entry.value);
  } catch (e) {
    return null;
  }
  if (!LINK_TYPE.test(value)) return null;
  if (value === 'all') return 'linkset';
  return value.indexOf('https://') === 0 ? 'gs1:' + value.slice(value.lastIndexOf('/') + 1) : value;
}

// The origin picks among a product's links by language: zh-CN, en or none, as
// shared/resolver/domain/linkset.ts preferredLanguage decides.
function preferredLanguage(header) {
  var value = header && typeof header.value === 'string' ? header.value : '';
  var first = value.split(',')[0].split(';')[0].trim().toLowerCase();
  if (first.indexOf('zh') === 0) return 'zh-CN';
  if (first.indexOf('en') === 0) return 'en';
  return undefined;
}

// The verify page's language (pageLanguage): the switch link's lang, else the viewer's first
// language if English, else Chinese.
function pageLanguage(query, header) {
  var entry = query.lang;
  var asked = entry && !entry.multiValue && typeof entry.value === 'string' ? entry.value.toLowerCase() : '';
  if (asked === 'en' || asked === 'zh-cn') return asked === 'en' ? 'en' : 'zh-CN';
  return preferredLanguage(header) === 'en' ? 'en' : 'zh-CN';
}

// CORS preflight answered here, never forwarded: the answer is the same for every path.
function preflight() {
  return {
    statusCode: 204,
    statusDescription: 'No Content',
    headers: {
      'access-control-allow-origin': { value: '*' },
      'access-control-allow-methods': { value: 'GET, HEAD, OPTIONS' },
      'access-control-allow-headers': { value: 'Accept, Accept-Language' },
      'access-control-max-age': { value: '86400' }
    }
  };
}

function handler(event) {
  var request = event.request;
  if (request.method === 'OPTIONS') return preflight();
  request.uri = normalizedPath(request.uri);
  var query = request.querystring || {};
  var digsig;
  var names = Object.keys(query);
  for (var i = 0; i < names.length; i++) {
    var name = names[i];
    if (name !== '8030') {
      if (decodedName(name) === '8030') return badRequest('AMBIGUOUS_QUERY', 'AI 8030 must be sent once, as a plain 8030 parameter');
      continue;
    }
    var entry = query[name];
    if (entry.multiValue && entry.multiValue.length > 1) {
      return badRequest('AMBIGUOUS_QUERY', 'AI 8030 must be sent once, as a plain 8030 parameter');
    }
    digsig = entry.value;
  }
  if (digsig !== undefined && !DIGSIG.test(digsig)) {
    return badRequest('MISSING_SIGNATURE', 'The code has no valid AI 8030 digital signature');
  }
  var linkType = linkTypeOf(query);
  if (linkType === null) {
    return badRequest('INVALID_LINK_TYPE', 'linkType must be sent once: linkset, a gs1: link type or a GS1 vocabulary URI');
  }
  request.querystring = digsig === undefined ? {} : { '8030': { value: digsig } };
  if (linkType !== undefined) request.querystring.linkType = { value: linkType };

  var header = request.headers.accept;
  var accept = header && typeof header.value === 'string' ? header.value.toLowerCase() : '';
  var html = accept.indexOf('text/html');
  var json = accept.indexOf('application/json');
  var linkset = accept.indexOf('application/linkset+json');
  var wantsLinkset = linkset !== -1 && (html === -1 || linkset < html) && (json === -1 || linkset < json);
  var wantsHtml = !wantsLinkset && html !== -1 && (json === -1 || html < json);
  request.headers.accept = { value: wantsLinkset ? 'application/linkset+json' : wantsHtml ? 'text/html' : 'application/json' };
  if (wantsHtml) request.querystring.lang = { value: pageLanguage(query, request.headers['accept-language']) };
  var language = preferredLanguage(request.headers['accept-language']);
  delete request.headers['accept-language'];
  // Only a redirect to a product link depends on it: every other answer keeps one cache key.
  if (linkType !== undefined && linkType !== 'linkset' && language !== undefined) {
    request.headers['accept-language'] = { value: language };
  }
  return request;
}
`;
