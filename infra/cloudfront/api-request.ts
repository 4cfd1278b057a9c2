import { ABSENT_AUTHORIZATION } from '#shared/app/authorizer';

/**
 * CloudFront Function (cloudfront-js-2.0, viewer request) of the uncached API behaviour.
 * API Gateway answers a request without an Authorization header (an identity source of the
 * token authorizer) with its own bare `401 {"message":"Unauthorized"}`, without calling the
 * authorizer: no body of ours can tell the caller what is missing. So a request without
 * one, or with an empty one, gets `Authorization: None`, which the authorizer answers as
 * MISSING_TOKEN in the documented error shape. Any other value passes untouched; public
 * routes ignore the header.
 *
 * Plain ES5 so it runs unchanged in the CloudFront runtime and in the unit test.
 */
export const API_REQUEST_SOURCE = `function handler(event) {
  var request = event.request;
  var given = request.headers.authorization;
  if (given === undefined || given.value.trim() === '') {
    request.headers.authorization = { value: ${JSON.stringify(ABSENT_AUTHORIZATION)} };
  }
  return request;
}
`;
