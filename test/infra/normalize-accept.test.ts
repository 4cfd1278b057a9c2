import { describe, expect, it } from 'vitest';
import { NORMALIZE_ACCEPT_SOURCE } from '../../infra/cloudfront/normalize-accept';
import { prefersHtml } from '../../shared/http/verification-page';

interface CloudFrontRequest {
  uri: string;
  headers: Record<string, { value: string } | undefined>;
}

// The function's source as CloudFront runs it: a global `handler(event)`.
const handler = new Function(`${NORMALIZE_ACCEPT_SOURCE}; return handler;`)() as (event: {
  request: CloudFrontRequest;
}) => CloudFrontRequest;

const normalize = (accept: string | undefined): string | undefined =>
  handler({ request: { uri: '/01/x', headers: accept === undefined ? {} : { accept: { value: accept } } } }).headers.accept
    ?.value;

const SAFARI = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

describe('the CloudFront Accept normalizer', () => {
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
    const accepts = [SAFARI, CHROME, 'application/json', 'application/json, text/html', 'text/html;q=0.1, application/json', '*/*'];
    for (const accept of [...accepts, 'image/png']) {
      const normalized = normalize(accept);
      expect(normalized === 'text/html', accept).toBe(prefersHtml(accept));
      // And the origin agrees with the normalized header it receives.
      expect(prefersHtml(normalized), accept).toBe(normalized === 'text/html');
    }
  });

  it('leaves the rest of the request alone', () => {
    const request = handler({ request: { uri: '/01/05012345678900/10/L1/21/S1', headers: { 'user-agent': { value: 'x' } } } });
    expect(request.uri).toBe('/01/05012345678900/10/L1/21/S1');
    expect(request.headers['user-agent']).toEqual({ value: 'x' });
  });
});
