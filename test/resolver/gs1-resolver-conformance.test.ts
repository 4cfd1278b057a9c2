import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightweightVerification, Linkset, ResolverDescription } from '#shared/app/schemas';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * GS1's resolver test suite (gs1/GS1DL-resolver-testsuite, GS1DigitalLinkResolverTestSuite.js)
 * ported: one `it` per criterion, named after the suite's test id, run against the real
 * local service. The suite fetches GS1's JSON schemas online; their required shape is
 * encoded in shared/resolver/http/schemas.ts (Linkset, ResolverDescription).
 */
let service: TestService;
let adminToken: string;
let factory: { id: string; token: string };
let gtin: string;
let unit: string; // the printed URI, with AI 8030
let unitPath: string; // without its query
const ORIGIN = { origin: 'https://ref.gs1.org' };

const PIP_ZH = {
  linkType: 'pip',
  href: 'https://factory.example/zh/helmet',
  title: '产品信息',
  hreflang: 'zh-CN',
  type: 'text/html',
};
const PIP_EN = {
  linkType: 'pip',
  href: 'https://factory.example/en/helmet',
  title: 'Product information',
  hreflang: 'en',
  type: 'text/html',
};
const INSTRUCTIONS = {
  linkType: 'instructions',
  href: 'https://factory.example/care.pdf',
  title: 'Wear, inspect, store',
  type: 'application/pdf',
};
const CERT = {
  linkType: 'certificationInfo',
  href: 'https://factory.example/la-cert',
  title: 'LA certificate',
  type: 'text/html',
};

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${service.url}${path}`, { method, headers: { ...ORIGIN, ...headers }, redirect: 'manual' });

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  ({ factory, gtin } = await factoryWithProduct(service, adminToken));
  const links = await service.call('PUT', `/v1/products/${gtin}/links`, {
    token: factory.token,
    body: { links: [PIP_ZH, PIP_EN, INSTRUCTIONS, CERT] },
  });
  expect(links.status).toBe(200);
  const batch = await service.call('POST', '/v1/batches', {
    token: factory.token,
    body: { gtin, lot: 'GS1-RES', productionDate: '2026-11-01', count: 1 },
  });
  expect(batch.status).toBe(201);
  unit = ((await batch.json()) as { codes: string[] }).codes[0] ?? '';
  unitPath = new URL(unit).pathname;
});
afterAll(async () => service?.stop());

describe('GS1 resolver test suite criteria', () => {
  it('rdFile: SHALL provide a resolver description file at /.well-known/gs1resolver (valid against the schema)', async () => {
    const res = await get('/.well-known/gs1resolver', { accept: 'application/json' });
    expect(res.status).toBe(200);
    const description = ResolverDescription.parse(await res.json());
    expect(description.resolverRoot).toBe(new URL(service.url).origin);
    expect(description.supportedPrimaryKeys).toEqual(['01', '00']);
  });

  it('corsCheck + methodsCheck: SHALL support CORS; GET, HEAD and OPTIONS declared', async () => {
    const res = await get(unitPath, { 'access-control-request-method': 'GET,HEAD,OPTIONS' }, 'OPTIONS');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const methods = res.headers.get('access-control-allow-methods') ?? '';
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(methods).toContain(method);
    // And every answer to a cross-origin GET carries it, public routes and errors alike.
    for (const path of [
      new URL(unit).pathname + new URL(unit).search,
      '/.well-known/gs1resolver',
      '/.well-known/jwks.json',
      `${unitPath}?linkType=gs1:nosuchlt`,
    ]) {
      expect((await get(path)).headers.get('access-control-allow-origin'), path).toBe('*');
    }
  });

  it('linkOnRedirect + legacyLinkHeaders: the verify answer links its linkset (rel="linkset"), and no gs1: links in the header', async () => {
    const res = await get(`${unitPath}${new URL(unit).search}`, { accept: 'application/json' });
    expect(res.status).toBe(200);
    const link = res.headers.get('link') ?? '';
    expect(link).toContain(`<${service.url}${unitPath}?linkType=linkset>; rel="linkset"`);
    expect(link).not.toContain('rel="gs1:');
    const redirect = await get(`/01/${gtin}?linkType=gs1:pip`);
    expect(redirect.headers.get('link')).toContain('rel="linkset"');
  });

  it('reportWith400 + noErrorWith200: a Digital Link with /foo appended is 400', async () => {
    for (const path of [
      `${unitPath}/foo`,
      `/01/${gtin}/10/GS1-RES/21/ABC/22/x`,
      `/00/306141410000000006/foo`,
      `/01/${gtin}/21/ABC`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
    }
  });

  it('trailingSlash: SHOULD tolerate a trailing slash (same answer with and without)', async () => {
    const query = new URL(unit).search;
    const [plain, slash] = await Promise.all([
      get(`${unitPath}${query}`, { accept: 'application/json' }),
      get(`${unitPath}/${query}`, { accept: 'application/json' }),
    ]);
    expect(slash.status).toBe(plain.status);
    expect(((await slash.json()) as { status: string }).status).toBe(((await plain.json()) as { status: string }).status);
    const [product, productSlash] = await Promise.all([get(`/01/${gtin}`), get(`/01/${gtin}/`)]);
    expect(productSlash.status).toBe(product.status);
    expect(productSlash.headers.get('location')).toBe(product.headers.get('location'));
  });

  it('basicWalkUp: an unknown value of a valid key qualifier (/10/KL8G) walks up the tree, not 404', async () => {
    const res = await get(`/01/${gtin}/10/KL8G`);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toMatch(/^https:\/\/factory\.example\//);
  });

  it('ltLinksetNoRedirect: linkType=linkset is not redirected and returns the linkset', async () => {
    const res = await get(`${unitPath}?linkType=linkset`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/linkset\+json/);
  });

  it('ltAcceptHeader: Accept: application/linkset+json is not redirected and returns the linkset', async () => {
    for (const path of [unitPath, `/01/${gtin}`, `/01/${gtin}/10/GS1-RES`]) {
      const res = await get(path, { accept: 'application/linkset+json' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/linkset\+json/);
    }
  });

  it('validLinkset + declaredContentType + linksetJsonldCheck: the linkset is valid, typed, and links its JSON-LD context', async () => {
    const res = await get(unitPath, { accept: 'application/linkset+json' });
    const linkset = Linkset.parse(await res.json());
    expect(res.headers.get('content-type')).toMatch(/^application\/linkset\+json/);
    expect(res.headers.get('link')).toMatch(/rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"; type="application\/ld\+json"/);
    // The request URI's own level first, then its product's (walking up the tree).
    expect(linkset.linkset.map((context) => context.anchor)).toEqual([`${service.url}${unitPath}`, `${service.url}/01/${gtin}`]);
  });

  it('defaultLinkExists + singleDefaulLink: exactly one default link per identified entity, with a title only', async () => {
    const { linkset } = Linkset.parse(await (await get(unitPath, { accept: 'application/linkset+json' })).json());
    for (const context of linkset) {
      const defaults = context['https://ref.gs1.org/voc/defaultLink'];
      expect(Array.isArray(defaults) ? defaults : []).toHaveLength(1);
      expect(Object.keys((defaults as { href: string }[])[0] ?? {}).sort()).toEqual(['href', 'title']);
    }
  });

  it("defaultTarget: the default of a product redirects to its default link; a unit's default is the verdict, served in place", async () => {
    const product = await get(`/01/${gtin}`);
    expect(product.status).toBe(307);
    expect(product.headers.get('location')).toMatch(/^https:\/\/factory\.example\//);
    // Deliberate difference from the suite: a unit's verdict must stay on this host, so its
    // default link (gs1:verificationService) is answered here, not redirected.
    const own = await get(`${unitPath}${new URL(unit).search}`, { accept: 'application/json' });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { status: string }).status).toBe('genuine');
  });

  it('loFor<linkType>: a requested link type that is available redirects to it (by language where there are several)', async () => {
    const instructions = await get(`${unitPath}?linkType=gs1:instructions`);
    expect(instructions.status).toBe(307);
    expect(instructions.headers.get('location')).toBe(INSTRUCTIONS.href);
    const byUri = await get(`${unitPath}?linkType=${encodeURIComponent('https://gs1.org/voc/certificationInfo')}`);
    expect(byUri.headers.get('location')).toBe(CERT.href);
    const zh = await get(`${unitPath}?linkType=gs1:pip`, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.headers.get('location')).toBe(PIP_ZH.href);
    const en = await get(`${unitPath}?linkType=gs1:pip`, { 'accept-language': 'en-GB' });
    expect(en.headers.get('location')).toBe(PIP_EN.href);
    const epcis = await get(`${unitPath}?linkType=gs1:epcis`);
    expect(epcis.headers.get('location')).toBe(`${service.url}/v1/chain${unitPath}`);
  });

  it('specificLinkTypeNotFound: an unknown link type, and a known one without a link, are 404', async () => {
    expect((await get(`${unitPath}?linkType=gs1:nosuchlt`)).status).toBe(404);
    expect((await get(`/01/${gtin}?linkType=gs1:safetyInfo`)).status).toBe(404);
    expect((await get(`/01/${gtin}?linkType=gs1:recallStatus`)).status).toBe(404);
  });

  it('linkTypesDefined: every link type in the linkset is a GS1 web vocabulary URI', async () => {
    const { linkset } = Linkset.parse(await (await get(unitPath, { accept: 'application/linkset+json' })).json());
    const types = linkset.flatMap((context) =>
      Object.keys(context).filter((key) => key !== 'anchor' && key !== 'itemDescription'),
    );
    expect(new Set(types)).toEqual(
      new Set(
        ['verificationService', 'epcis', 'defaultLink', 'pip', 'instructions', 'certificationInfo'].map(
          (t) => `https://ref.gs1.org/voc/${t}`,
        ),
      ),
    );
  });
});

describe('gs1:verificationService in the GS1 Lightweight Messaging shape', () => {
  it('answers a genuine unit verified, a forged one not verified (No_match_GTIN_Serial_Lot, Suspect)', async () => {
    const url = new URL(unit);
    const ok = await get(`${unitPath}?8030=${url.searchParams.get('8030')}&linkType=gs1:verificationService`, {
      accept: 'application/json',
    });
    expect(ok.status).toBe(200);
    expect(LightweightVerification.parse(await ok.json()).data).toEqual({ verified: true });
    const forged = `${url.searchParams.get('8030')?.slice(0, 4)}${'A'.repeat(86)}`;
    const bad = await get(`${unitPath}?8030=${forged}&linkType=gs1:verificationService`);
    expect(LightweightVerification.parse(await bad.json()).data).toEqual({
      verified: false,
      verificationFailureReason: 'No_match_GTIN_Serial_Lot',
      additionalInfo: 'Suspect',
    });
  });
});

describe('product links API', () => {
  it('only the factory that registered the GTIN reads or replaces its links; non-https hrefs are 400 and write nothing', async () => {
    const other = await factoryWithProduct(service, adminToken);
    const theirs = await service.call('PUT', `/v1/products/${gtin}/links`, { token: other.factory.token, body: { links: [] } });
    expect(theirs.status).toBe(403);
    expect((await service.call('GET', `/v1/products/${gtin}/links`, { token: other.factory.token })).status).toBe(403);
    const http = await service.call('PUT', `/v1/products/${gtin}/links`, {
      token: factory.token,
      body: { links: [{ ...PIP_EN, href: 'http://factory.example/en' }] },
    });
    expect(http.status).toBe(400);
    const js = await service.call('PUT', `/v1/products/${gtin}/links`, {
      token: factory.token,
      body: { links: [{ ...PIP_EN, href: 'javascript:alert(1)' }] },
    });
    expect(js.status).toBe(400);
    const mine = await service.call('GET', `/v1/products/${gtin}/links`, { token: factory.token });
    expect(((await mine.json()) as { links: unknown[] }).links).toHaveLength(4);
  });
});
