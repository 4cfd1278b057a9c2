import { describe, expect, it } from 'vitest';
import { DIGSIG_PATTERN } from '#kernel/codes/digital-link';
import { pageLanguage } from '#shared/verification/http/page-messages';
import { prefersHtml } from '#shared/verification/http/verification-page';
import { VERIFY_REQUEST_SOURCE } from '../../infra/cloudfront/verify-request';

/** The shapes CloudFront passes to and takes from a cloudfront-js-2.0 viewer-request function. */
interface QueryValue {
  value: string;
  multiValue?: { value: string }[];
}
interface CloudFrontRequest {
  method: string;
  uri: string;
  querystring: Record<string, QueryValue>;
  headers: Record<string, { value: string } | undefined>;
}
interface CloudFrontResponse {
  statusCode: number;
  headers: Record<string, { value: string }>;
  body: { encoding: string; data: string };
}

// The function's source as CloudFront runs it: a global `handler(event)`.
const handler = new Function(`${VERIFY_REQUEST_SOURCE}; return handler;`)() as (event: {
  request: CloudFrontRequest;
}) => CloudFrontRequest | CloudFrontResponse;

const DIGSIG = `AbCd${'x'.repeat(85)}-`;
const OTHER_DIGSIG = `WxYz${'y'.repeat(85)}_`;

/** CloudFront's querystring object for a raw query string, one entry per distinct name. */
const querystringOf = (raw: string): Record<string, QueryValue> => {
  const entries = new Map<string, string[]>();
  for (const pair of raw.split('&').filter((p) => p !== '')) {
    const [name = '', value = ''] = pair.split(/=(.*)/s);
    entries.set(name, [...(entries.get(name) ?? []), value]);
  }
  return Object.fromEntries(
    [...entries].map(([name, values]) => [
      name,
      values.length > 1 ? { value: values[0] ?? '', multiValue: values.map((value) => ({ value })) } : { value: values[0] ?? '' },
    ]),
  );
};

const run = (query: string, accept?: string) =>
  handler({
    request: {
      method: 'GET',
      uri: '/01/05012345678900/10/L1/21/S1',
      querystring: querystringOf(query),
      headers: accept === undefined ? {} : { accept: { value: accept } },
    },
  });

const asRequest = (result: CloudFrontRequest | CloudFrontResponse): CloudFrontRequest => {
  if (!('uri' in result)) throw new Error(`expected the request to go on, got ${JSON.stringify(result)}`);
  return result;
};
const asResponse = (result: CloudFrontRequest | CloudFrontResponse): CloudFrontResponse => {
  if (!('statusCode' in result)) throw new Error(`expected an answer at the edge, got ${JSON.stringify(result)}`);
  return result;
};

const normalize = (accept: string | undefined): string | undefined =>
  asRequest(run(`8030=${DIGSIG}`, accept)).headers.accept?.value;

describe('the verify viewer-request function: the query the origin sees is the cache key', () => {
  it('passes exactly one raw 8030 parameter and drops every other one', () => {
    expect(DIGSIG_PATTERN.test(DIGSIG)).toBe(true);
    expect(asRequest(run(`8030=${DIGSIG}`)).querystring).toEqual({ '8030': { value: DIGSIG } });
    // The cache key holds only 8030, so anything else must not reach the origin either.
    expect(asRequest(run(`utm_source=qr&8030=${DIGSIG}&lang=zh&callback=x`)).querystring).toEqual({ '8030': { value: DIGSIG } });
    expect(asRequest(run('')).querystring).toEqual({});
    expect(asRequest(run('lang=zh')).querystring).toEqual({});
  });

  it('answers 400, uncached, when 8030 comes twice (the cache keys one value, the origin might read the other)', () => {
    for (const query of [`8030=${DIGSIG}&8030=${OTHER_DIGSIG}`, `8030=${DIGSIG}&8030=${DIGSIG}`]) {
      const response = asResponse(run(query));
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['cache-control']).toEqual({ value: 'no-store' });
      expect(JSON.parse(response.body.data)).toEqual({
        error: { code: 'AMBIGUOUS_QUERY', message: expect.any(String) as unknown },
      });
    }
  });

  it('answers 400 for a name that only decodes to 8030 (%38030, 8030%20, +8030, %2B8030), alone or beside a real one', () => {
    for (const name of ['%38030', '%38%30%33%30', '8030%20', '+8030', '8030+', '%208030']) {
      for (const query of [
        `${name}=${OTHER_DIGSIG}`,
        `8030=${DIGSIG}&${name}=${OTHER_DIGSIG}`,
        `${name}=${OTHER_DIGSIG}&8030=${DIGSIG}`,
      ]) {
        expect(asResponse(run(query)).statusCode, query).toBe(400);
      }
    }
    // A name that is something else entirely is simply dropped.
    expect(asRequest(run(`%ZZ=1&80300=${OTHER_DIGSIG}&8030=${DIGSIG}`)).querystring).toEqual({ '8030': { value: DIGSIG } });
  });

  it('answers 400 for a value that is not 90 raw base64url characters (a percent escape would decode at the origin)', () => {
    const escaped = `${DIGSIG.slice(0, 89)}%2D`;
    for (const value of [escaped, DIGSIG.slice(1), `${DIGSIG}A`, '', `${DIGSIG.slice(0, 89)}=`]) {
      const response = asResponse(run(`8030=${value}`));
      expect(response.statusCode, value).toBe(400);
      expect(JSON.parse(response.body.data).error.code).toBe('MISSING_SIGNATURE');
    }
  });
});

describe('the verify viewer-request function: the path the origin sees is the cache key', () => {
  const uriFor = (uri: string) => asRequest(handler({ request: { method: 'GET', uri, querystring: {}, headers: {} } })).uri;

  it('gives every GS1-equivalent spelling of a label one path (L%2D1 is L-1)', () => {
    const plain = '/01/05012345678900/10/L-1/21/S1';
    for (const spelling of [
      '/01/05012345678900/10/L%2D1/21/S1',
      '/01/05012345678900/10/L%2d1/21/S1',
      '/01/05012345678900/10/%4C%2D%31/21/S1',
      '/01/0501234567890%30/10/L-1/21/%531',
    ]) {
      expect(uriFor(spelling), spelling).toBe(plain);
    }
    expect(uriFor('/00/10614141234567890%38')).toBe('/00/106141412345678908');
  });

  it('keeps escapes of other characters escaped, in one spelling (upper-case hex)', () => {
    expect(uriFor('/01/05012345678900/10/L%2f1/21/S1')).toBe('/01/05012345678900/10/L%2F1/21/S1');
    expect(uriFor('/01/05012345678900/10/L%252D1/21/S1')).toBe('/01/05012345678900/10/L%252D1/21/S1');
    expect(uriFor('/01/05012345678900/10/L%211/21/S1')).toBe('/01/05012345678900/10/L%211/21/S1');
  });
});

const SAFARI = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

describe('the verify viewer-request function: Accept', () => {
  it('turns every browser Accept into text/html and everything else into application/json', () => {
    expect(normalize(SAFARI)).toBe('text/html');
    expect(normalize(CHROME)).toBe('text/html');
    expect(normalize('TEXT/HTML')).toBe('text/html');
    expect(normalize('application/json')).toBe('application/json');
    expect(normalize('application/json, text/html')).toBe('application/json');
    expect(normalize('*/*')).toBe('application/json');
    expect(normalize('')).toBe('application/json');
    expect(normalize(undefined)).toBe('application/json');
  });

  it('decides as the origin does, so the cached representation always matches its key', () => {
    const accepts = [
      SAFARI,
      CHROME,
      'application/json',
      'application/json, text/html',
      'text/html;q=0.1, application/json',
      '*/*',
    ];
    for (const accept of [...accepts, 'image/png']) {
      const normalized = normalize(accept);
      expect(normalized === 'text/html', accept).toBe(prefersHtml(accept));
      // And the origin agrees with the normalized header it receives.
      expect(prefersHtml(normalized), accept).toBe(normalized === 'text/html');
    }
  });

  it('puts exactly one page language, zh-CN or en, in the key of every HTML request and none in JSON ones', () => {
    const html = (query: string, acceptLanguage?: string) =>
      asRequest(
        handler({
          request: {
            method: 'GET',
            uri: '/01/05012345678900/10/L1/21/S1',
            querystring: querystringOf(query),
            headers: {
              accept: { value: CHROME },
              ...(acceptLanguage === undefined ? {} : { 'accept-language': { value: acceptLanguage } }),
            },
          },
        }),
      );
    const cases: [string, string | undefined, string][] = [
      [`8030=${DIGSIG}`, undefined, 'zh-CN'],
      [`8030=${DIGSIG}`, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
      [`8030=${DIGSIG}`, 'en-US,en;q=0.9', 'en'],
      [`8030=${DIGSIG}`, 'fr-FR,en;q=0.5', 'zh-CN'],
      [`8030=${DIGSIG}&lang=en`, 'zh-CN', 'en'],
      [`8030=${DIGSIG}&lang=zh-CN`, 'en-GB', 'zh-CN'],
      // Anything else the switch could be given is a cache-busting attempt: it falls back.
      [`8030=${DIGSIG}&lang=de`, 'en-GB', 'en'],
      [`8030=${DIGSIG}&lang=en&lang=zh-CN`, undefined, 'zh-CN'],
    ];
    for (const [query, acceptLanguage, expected] of cases) {
      const request = html(query, acceptLanguage);
      expect(request.querystring, query).toEqual({ '8030': { value: DIGSIG }, lang: { value: expected } });
      expect(request.headers['accept-language'], query).toBeUndefined();
      // The origin, given what the edge forwards, picks the same language.
      expect(pageLanguage(request.querystring.lang?.value, undefined)).toBe(expected);
      if (query.indexOf('lang=') === -1) expect(pageLanguage(undefined, acceptLanguage)).toBe(expected);
    }
    expect(asRequest(run(`8030=${DIGSIG}&lang=en`, 'application/json')).querystring).toEqual({ '8030': { value: DIGSIG } });
  });

  it('leaves the path and the other headers alone', () => {
    const request = asRequest(
      handler({
        request: {
          method: 'HEAD',
          uri: '/01/05012345678900/10/L1/21/S1',
          querystring: {},
          headers: { 'user-agent': { value: 'x' } },
        },
      }),
    );
    expect(request.uri).toBe('/01/05012345678900/10/L1/21/S1');
    expect(request.method).toBe('HEAD');
    expect(request.headers['user-agent']).toEqual({ value: 'x' });
  });
});
