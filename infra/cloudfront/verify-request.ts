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
 * - Accept: browsers, phone cameras and scanner apps send hundreds of Accept strings; it is
 *   rewritten to exactly one of two values, decided the way the origin decides
 *   (shared/http/verification-page.ts prefersHtml): text/html when the viewer lists it
 *   before application/json, otherwise application/json.
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

function handler(event) {
  var request = event.request;
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
  request.querystring = digsig === undefined ? {} : { '8030': { value: digsig } };

  var header = request.headers.accept;
  var accept = header && typeof header.value === 'string' ? header.value.toLowerCase() : '';
  var html = accept.indexOf('text/html');
  var json = accept.indexOf('application/json');
  var wantsHtml = html !== -1 && (json === -1 || html < json);
  request.headers.accept = { value: wantsHtml ? 'text/html' : 'application/json' };
  return request;
}
`;
