/**
 * CloudFront Function (cloudfront-js-2.0, viewer request) of the web apps' behaviours
 * (`/console`, `/console/*`, `/scan*`), in front of their S3 bucket. The apps route on the
 * client, and S3 knows only files: a path without a file extension under `/console/` is a
 * console screen (`/console/products/…`, the sign-in callback) and gets the console's
 * `index.html`; `/scan` and its extensionless paths get the workers' app's. `/console` is
 * redirected to `/console/` so the console's relative URLs and its router see one base.
 * Any other path (a hashed asset, `sw.js`, `config.json`) reaches the bucket as it is.
 *
 * Plain ES5 so it runs unchanged in the CloudFront runtime and in the unit test.
 */
export const WEB_REQUEST_SOURCE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/console') {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: '/console/' }, 'cache-control': { value: 'no-cache' } }
    };
  }
  var app = uri.indexOf('/console/') === 0 ? 'console' : uri === '/scan' || uri.indexOf('/scan/') === 0 ? 'scan' : '';
  var name = uri.slice(uri.lastIndexOf('/') + 1);
  if (app !== '' && !/\\.[A-Za-z0-9]+$/.test(name)) {
    request.uri = '/' + app + '/index.html';
  }
  return request;
}
`;
