import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, linkValue } from '#kernel/http/header-values';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * No value placed in a header can add a link, a parameter or a line. Before, a lot of
 * `X>;rel="alternate"…` scanned at /01/{gtin}/10/{lot}/21/{serial} (GS1 allows `<>;="` in a
 * lot) came back verbatim inside the Link header's target, closing it and adding parameters.
 */
let service: TestService;
let gtin: string;
beforeAll(async () => {
  const started = await startTestServiceWithAdmin();
  service = started.service;
  ({ gtin } = await factoryWithProduct(service, started.adminToken));
}, 120_000);
afterAll(async () => service?.stop());

/** The links of a Link header, split as RFC 8288 reads it: `<target>` then `; name=value` parameters. */
const parseLinks = (header: string) =>
  [...header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,=]+=(?:"[^"]*"|[^;,]*))*)/g)].map(([, target = '', params = '']) => ({
    target,
    params: Object.fromEntries(
      [...params.matchAll(/;\s*([^;,=\s]+)=(?:"([^"]*)"|([^;,]*))/g)].map(([, name = '', quoted, bare]) => [
        name,
        quoted ?? bare,
      ]),
    ),
  }));

describe('values in headers', () => {
  it('a lot holding `>;` gives exactly one linkset link whose target gives the lot back', async () => {
    const lot = 'X>;rel="alternate';
    // A label with a signature that does not verify: answered (invalid), with the Link header.
    const path = `/01/${gtin}/10/${encodeURIComponent(lot)}/21/1?8030=${'A'.repeat(90)}`;
    const res = await service.call('GET', path, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const links = parseLinks(res.headers.get('link') ?? '');
    expect(links).toHaveLength(1);
    expect(links[0]?.params).toEqual({ rel: 'linkset', type: 'application/linkset+json' });
    const target = new URL(links[0]?.target ?? '');
    expect(decodeURIComponent(target.pathname.split('/')[4] ?? '')).toBe(lot);
    expect(target.searchParams.get('linkType')).toBe('linkset');
  });

  it('the lot linkset answer adds only its JSON-LD context link', async () => {
    const lot = 'L<1>,"a";b=c';
    const res = await service.call('GET', `/01/${gtin}/10/${encodeURIComponent(lot)}?linkType=linkset`);
    expect(res.status).toBe(200);
    const links = parseLinks(res.headers.get('link') ?? '');
    expect(links.map((l) => l.params.rel)).toEqual(['linkset', 'http://www.w3.org/ns/json-ld#context']);
    expect(decodeURIComponent(new URL(links[0]?.target ?? '').pathname.split('/')[4] ?? '')).toBe(lot);
  });

  it('builds links and file names that carry any value safely', () => {
    const link = linkValue('/v1/x?lot=a>;rel="evil"\r\nSet-Cookie: y', { rel: 'next' });
    expect(parseLinks(link)).toEqual([{ target: '/v1/x?lot=a%3E;rel=%22evil%22%0D%0ASet-Cookie:%20y', params: { rel: 'next' } }]);
    const disposition = contentDisposition('attachment', 'a"; filename=evil.exe\r\n.csv');
    expect(disposition).not.toMatch(/[\r\n]/);
    expect(disposition).toBe(
      `attachment; filename="a___filename_evil.exe__.csv"; filename*=UTF-8''a%22%3B%20filename%3Devil.exe%0D%0A.csv`,
    );
  });
});
