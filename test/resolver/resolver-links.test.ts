import { describe, expect, it } from 'vitest';
import { Linkset } from '#shared/app/schemas';
import { parseLinkType } from '#shared/resolver/domain/link-types';
import { linkLevels, preferredLanguage, selectLink, toLinkset } from '#shared/resolver/domain/linkset';
import { VERIFY_REQUEST_SOURCE } from '../../infra/cloudfront/verify-request';

const BASE = 'https://verify.example';
const GTIN = '06952012345683';
const product = {
  name: 'Safety helmet',
  links: [
    { linkType: 'pip' as const, href: 'https://f.example/en', title: 'Info', hreflang: 'en' as const, type: 'text/html' },
    { linkType: 'pip' as const, href: 'https://f.example/zh', title: '信息', hreflang: 'zh-CN' as const, type: 'text/html' },
  ],
};

describe('link types', () => {
  it('reads CURIEs, the three spellings of the vocabulary URI, linkset and all', () => {
    for (const value of ['gs1:pip', 'https://gs1.org/voc/pip', 'https://ref.gs1.org/voc/pip', 'https://www.gs1.org/voc/pip']) {
      expect(parseLinkType(value)).toEqual({ kind: 'type', linkType: 'pip' });
    }
    expect(parseLinkType('linkset')).toEqual({ kind: 'linkset' });
    expect(parseLinkType('all')).toEqual({ kind: 'linkset' });
    expect(parseLinkType('gs1:nosuchlt')).toEqual({ kind: 'unknown' });
    expect(parseLinkType('schema:pip')).toEqual({ kind: 'unknown' });
  });
});

describe('linkset', () => {
  it('a unit: its own level (verdict as default, epcis) then its product, valid against the GS1 linkset shape', () => {
    const levels = linkLevels({
      baseUrl: BASE,
      subject: { kind: 'unit', gtin: GTIN, lot: 'L1', serial: 'S1', digsig: 'D' },
      product,
    });
    const { linkset } = Linkset.parse(toLinkset(levels));
    expect(linkset[0]?.['https://ref.gs1.org/voc/defaultLink']).toEqual([
      { href: `${BASE}/01/${GTIN}/10/L1/21/S1?8030=D`, title: 'Verify this label (TraceSeal)' },
    ]);
    expect(linkset[1]?.['https://ref.gs1.org/voc/defaultLink']).toEqual([{ href: 'https://f.example/en', title: 'Info' }]);
  });

  it('a product without product information defaults to its own linkset', () => {
    const levels = linkLevels({ baseUrl: BASE, subject: { kind: 'product', gtin: GTIN }, product: { name: 'Glove', links: [] } });
    expect(selectLink(levels, 'defaultLink')?.href).toBe(`${BASE}/01/${GTIN}?linkType=linkset`);
  });

  it('picks the viewer’s language among several links of a type', () => {
    const levels = linkLevels({ baseUrl: BASE, subject: { kind: 'lot', gtin: GTIN, lot: 'L1' }, product });
    expect(selectLink(levels, 'pip', preferredLanguage('zh-TW,zh;q=0.8'))?.href).toBe('https://f.example/zh');
    expect(selectLink(levels, 'pip', preferredLanguage('en-US'))?.href).toBe('https://f.example/en');
    expect(selectLink(levels, 'safetyInfo')).toBeUndefined();
  });
});

type Request = {
  method: string;
  uri: string;
  querystring: Record<string, { value: string; multiValue?: { value: string }[] }>;
  headers: Record<string, { value: string }>;
};
const edge = new Function(`${VERIFY_REQUEST_SOURCE}; return handler;`)() as (event: {
  request: Request;
}) => Request & { statusCode?: number; headers: Record<string, { value: string }> };
const request = (overrides: Partial<Request>): Request => ({
  method: 'GET',
  uri: `/01/${GTIN}`,
  querystring: {},
  headers: {},
  ...overrides,
});

describe('the CloudFront function, for the resolver', () => {
  it('answers a CORS preflight at the edge', () => {
    const answer = edge({ request: request({ method: 'OPTIONS' }) });
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['access-control-allow-origin']?.value).toBe('*');
  });

  it('forwards one linkType as its CURIE, and refuses two or a malformed one', () => {
    const forwarded = edge({
      request: request({ querystring: { linkType: { value: 'https%3A%2F%2Fgs1.org%2Fvoc%2Fpip' }, utm: { value: 'x' } } }),
    });
    expect(forwarded.querystring).toEqual({ linkType: { value: 'gs1:pip' } });
    expect(edge({ request: request({ querystring: { linkType: { value: 'all' } } }) }).querystring).toEqual({
      linkType: { value: 'linkset' },
    });
    const two = { linkType: { value: 'gs1:pip', multiValue: [{ value: 'gs1:pip' }, { value: 'linkset' }] } };
    expect(edge({ request: request({ querystring: two }) }).statusCode).toBe(400);
    expect(edge({ request: request({ querystring: { linkType: { value: '%3Cscript%3E' } } }) }).statusCode).toBe(400);
  });

  it('normalizes Accept to linkset, JSON or HTML, and keeps a language only for link redirects', () => {
    const linkset = edge({
      request: request({
        headers: { accept: { value: 'application/linkset+json, application/json' }, 'accept-language': { value: 'zh-CN' } },
      }),
    });
    expect(linkset.headers.accept?.value).toBe('application/linkset+json');
    expect(linkset.headers['accept-language']).toBeUndefined();
    const pip = edge({
      request: request({
        querystring: { linkType: { value: 'gs1:pip' } },
        headers: { 'accept-language': { value: 'zh-HK,en;q=0.5' } },
      }),
    });
    expect(pip.headers['accept-language']?.value).toBe('zh-CN');
  });
});
