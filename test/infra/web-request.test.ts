import { describe, expect, it } from 'vitest';
import { WEB_REQUEST_SOURCE } from '../../infra/cloudfront/web-request';

/** The shapes CloudFront passes to and takes from a cloudfront-js-2.0 viewer-request function. */
interface CloudFrontRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
}
interface CloudFrontResponse {
  statusCode: number;
  headers: Record<string, { value: string }>;
}

// The function's source as CloudFront runs it: a global `handler(event)`.
const handler = new Function(`${WEB_REQUEST_SOURCE}; return handler;`)() as (event: {
  request: CloudFrontRequest;
}) => CloudFrontRequest | CloudFrontResponse;

const run = (uri: string, querystring: CloudFrontRequest['querystring'] = {}) =>
  handler({ request: { method: 'GET', uri, querystring, headers: {} } });

const uriFor = (uri: string): string => {
  const result = run(uri);
  if (!('uri' in result)) throw new Error(`expected the request to go on, got ${JSON.stringify(result)}`);
  return result.uri;
};

describe('the web apps viewer-request function', () => {
  it('redirects /console to /console/, the base the console routes under', () => {
    expect(run('/console')).toMatchObject({ statusCode: 301, headers: { location: { value: '/console/' } } });
  });

  it("gives every console screen (a path without a file extension) the console's index.html", () => {
    for (const uri of ['/console/', '/console/products', '/console/units/0105012345678900/history', '/console/callback']) {
      expect(uriFor(uri), uri).toBe('/console/index.html');
    }
  });

  it('keeps the query of the sign-in callback for the app to read', () => {
    const result = run('/console/callback', { code: { value: 'abc' }, state: { value: 'xyz' } });
    expect(result).toMatchObject({
      uri: '/console/index.html',
      querystring: { code: { value: 'abc' }, state: { value: 'xyz' } },
    });
  });

  it("gives /scan and the workers' app's own routes its index.html", () => {
    for (const uri of ['/scan', '/scan/', '/scan/callback', '/scan/history']) expect(uriFor(uri), uri).toBe('/scan/index.html');
  });

  it('passes files through as they are: hashed assets, the service worker, the manifest, the config', () => {
    for (const uri of [
      '/console/assets/index-3f2a9c1d.js',
      '/console/config.json',
      '/scan/assets/zxing_reader-9a8b7c6d.wasm',
      '/scan/sw.js',
      '/scan/manifest.webmanifest',
      '/scan/config.json',
    ]) {
      expect(uriFor(uri), uri).toBe(uri);
    }
  });

  it('rewrites nothing outside the two apps that /scan* happens to match', () => {
    for (const uri of ['/scanner', '/scans/today', '/consoles']) expect(uriFor(uri), uri).toBe(uri);
  });
});
