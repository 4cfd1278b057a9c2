import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerialCodec } from '#shared/codes/serial';
import { signCode } from '#shared/codes/signature';
import { PAGE_MESSAGES, type PageLanguage } from '#shared/http/page-messages';
import { getActiveSigningKey } from '#shared/keys/signing-key-provider';
import { getProductRecord } from '#shared/store/product-repository';
import { launchChromium } from '../support/browser';
import { custodyEvent, postEvents } from '../support/custody';
import { factoryWithProduct, freshGtin, freshLicense, productBody, registerOrg } from '../support/fixtures';
import { startTestService, type TestService } from '../support/local-service';
import { writeScanFlag } from '../support/scan-flags';
import { expectScanNotice, fact, forge, heading, light } from '../support/verify-page';

/**
 * What a worker sees after scanning a label with a phone camera: a real Chromium at phone
 * size opens the code URI and gets the verify page, in Chinese by default. Screenshots of
 * every status in both languages are written to test/e2e/screenshots/ (gitignored).
 */
const SCREENSHOT_DIR = join(import.meta.dirname, 'screenshots');
const PHONE = { width: 360, height: 780 };
const BUDGET_BYTES = 50 * 1024;

let service: TestService;
let adminToken: string;
let launching: Promise<Browser> | undefined;

beforeAll(async () => {
  // Launched here, awaited in each test: a missing Chromium fails every test, never skips one.
  launching = launchChromium();
  launching.catch(() => undefined);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  service = await startTestService();
  adminToken = await service.token('ops-admin', 'admin');
}, 120_000);

afterAll(async () => {
  await launching?.then(
    (browser) => browser.close(),
    () => undefined,
  );
  await service?.stop();
});

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for, to prove nothing leaves our host. */
  requests: string[];
}

/**
 * Contexts stay open until the browser closes: the packaged Chromium runs as one process,
 * and closing a context there ends the browser.
 */
const open = async (uri: string, options: { lang?: PageLanguage; javaScript?: boolean } = {}): Promise<Opened> => {
  if (launching === undefined) throw new Error('the browser was not launched');
  const browser = await launching;
  const context = await browser.newContext({
    viewport: PHONE,
    javaScriptEnabled: options.javaScript ?? true,
    ...(options.lang === 'en' ? { locale: 'en-US' } : { locale: 'zh-CN' }),
  });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const response = await page.goto(uri);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  return { page, context, requests };
};

const issueOne = async (token: string, gtin: string, lot: string, productionDate = '2026-11-02'): Promise<string> => {
  const res = await service.call('POST', '/v1/batches', { token, body: { gtin, lot, productionDate, count: 1 } });
  expect(res.status).toBe(201);
  const [uri] = ((await res.json()) as { codes: string[] }).codes;
  if (uri === undefined) throw new Error('no code issued');
  return uri;
};

const shoot = async (page: Page, name: string): Promise<PNG> => {
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  const image = PNG.sync.read(await readFile(file));
  expect(image.width).toBe(PHONE.width);
  expect(image.height).toBe(PHONE.height);
  return image;
};

/** A unit in each state a scan can report, issued through the API. */
const scenarios = async () => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const genuine = await issueOne(factory.token, gtin, 'L-PG-OK');
  const sold = await issueOne(factory.token, gtin, 'L-PG-SOLD');
  expect((await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [sold] })])).status).toBe(200);
  const recalled = await issueOne(factory.token, gtin, 'L-PG-RC');
  const recall = custodyEvent('recall', { lot: { gtin, lot: 'L-PG-RC' }, reason: 'shell cracks' });
  expect((await postEvents(service, factory.token, [recall])).status).toBe(200);
  const expired = await issueOne(factory.token, gtin, 'L-PG-OLD', '2015-01-10');
  const voided = await issueOne(factory.token, gtin, 'L-PG-VOID');
  expect((await postEvents(service, factory.token, [custodyEvent('void', { epcs: [voided] })])).status).toBe(200);
  // A serial of this GTIN outside every batch, signed with our key: only a leak or lost data makes one.
  const record = await getProductRecord(gtin);
  const serial = createSerialCodec(record?.serialKey ?? new Uint8Array()).encode(7);
  const unknownDigsig = signCode(await getActiveSigningKey(), { gtin, lot: 'NO-SUCH-LOT', serial });
  const unknown = `${new URL(genuine).origin}/01/${gtin}/10/NO-SUCH-LOT/21/${serial}?8030=${unknownDigsig}`;
  // Flags as anomaly detection leaves them (the aggregator's own tests drive the rules).
  const suspect = await issueOne(factory.token, gtin, 'L-PG-SUS');
  await writeScanFlag(suspect, { level: 'suspect', rules: ['impossible_travel'], at: '2026-11-20T09:30:00.000Z' });
  const blocked = await issueOne(factory.token, gtin, 'L-PG-BLK');
  await writeScanFlag(blocked, { level: 'blocked', rules: ['too_many_scans', 'outside_market'], at: '2026-11-21T09:30:00.000Z' });
  return { gtin, genuine, sold, recalled, expired, voided, unknown, suspect, blocked, invalid: forge(genuine) };
};

let codes: Awaited<ReturnType<typeof scenarios>> | undefined;
const allCodes = async () => {
  codes ??= await scenarios();
  return codes;
};

describe('the verify page in a phone-sized browser', () => {
  it('shows a genuine code in Chinese by default, with its facts, links, form and the phone check passing', async () => {
    const { genuine } = await allCodes();
    const { page, requests } = await open(genuine);
    const zh = PAGE_MESSAGES['zh-CN'];
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await heading(page)).toBe(zh.lights.genuine.title);
    expect(await light(page)).toBe('genuine');
    expect(await fact(page, zh.facts.product).innerText()).toBe(productBody('').name);
    expect(await fact(page, zh.facts.standard).innerText()).toBe('GB 6095-2021');
    expect(await fact(page, zh.facts.laCertificate).innerText()).toBe('LA-2026-7654321 (有效期至 2030-06-30)');
    expect(await fact(page, zh.facts.lot).innerText()).toBe('L-PG-OK');
    expect(await fact(page, zh.facts.productionDate).innerText()).toBe('2026-11-02');
    expect(await fact(page, zh.facts.endOfServiceLife).innerText()).toBe('2031-11-02');
    const check = page.locator('#phone-check');
    await expect.poll(() => check.getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await check.innerText()).toBe(zh.checks.phoneOk);
    // The report form posts exactly the fields POST /v1/reports reads; the honeypot is off-screen.
    const form = page.locator('form[action="/v1/reports"]');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.getAttribute('enctype')).toBe('multipart/form-data');
    const names = await form.locator('[name]').evaluateAll((els) => els.map((el) => el.getAttribute('name')));
    expect(names).toEqual(['code', 'place', 'city', 'description', 'contact', 'photos', 'website']);
    expect(await form.locator('[name=code]').inputValue()).toBe(`${new URL(genuine).pathname}${new URL(genuine).search}`);
    expect(await form.locator('[name=photos]').getAttribute('accept')).toBe('image/jpeg,image/png');
    const honeypot = await form.locator('[name=website]').boundingBox();
    expect((honeypot?.x ?? 0) + (honeypot?.width ?? 0)).toBeLessThanOrEqual(0);
    // Only our own host: the page and the JWKS the phone check reads.
    const origin = new URL(genuine).origin;
    expect(requests.every((url) => url.startsWith(`${origin}/`))).toBe(true);
    expect(requests.map((url) => new URL(url).pathname)).toContain('/.well-known/jwks.json');
    const image = await shoot(page, 'genuine.zh-CN');
    expect([...image.data.subarray((40 * image.width + 5) * 4, (40 * image.width + 5) * 4 + 3)]).toEqual([0x13, 0x73, 0x33]);
  });

  it('switches to English by Accept-Language and by the switch link, and back', async () => {
    const { genuine } = await allCodes();
    const { page } = await open(genuine, { lang: 'en' });
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await heading(page)).toBe('Genuine');
    expect(await fact(page, 'LA certificate').innerText()).toBe('LA-2026-7654321 (valid until 2030-06-30)');
    await expect.poll(() => page.locator('#phone-check').innerText(), { timeout: 10_000 }).toBe(PAGE_MESSAGES.en.checks.phoneOk);
    await shoot(page, 'genuine.en');
    await page.getByRole('link', { name: '中文' }).click();
    expect(await heading(page)).toBe(PAGE_MESSAGES['zh-CN'].lights.genuine.title);
    expect(new URL(page.url()).searchParams.get('lang')).toBe('zh-CN');
    await page.getByRole('link', { name: 'English' }).click();
    expect(await heading(page)).toBe('Genuine');
  });

  it('shows every status as its traffic light, in both languages, and keeps the phone check honest', async () => {
    const c = await allCodes();
    const cases: [keyof typeof c, string, 'ok' | 'bad' | 'none'][] = [
      ['sold', 'copy', 'ok'],
      // Scan patterns of a copied label: the signature itself is genuine, so the phone agrees.
      ['suspect', 'suspect', 'ok'],
      ['blocked', 'blocked', 'ok'],
      ['recalled', 'recalled', 'ok'],
      ['expired', 'expired', 'ok'],
      ['voided', 'withdrawn', 'ok'],
      ['unknown', 'unknown', 'ok'],
      // The tampered signature fails on the phone as it fails on the server.
      ['invalid', 'invalid', 'bad'],
    ];
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [name, status, phone] of cases) {
        const { page } = await open(c[name], { lang });
        expect(await light(page), name).toBe(status);
        expect(await heading(page), name).toBe(PAGE_MESSAGES[lang].lights[status as 'copy'].title);
        if (phone !== 'none') {
          await expect.poll(() => page.locator('#phone-check').getAttribute('data-state'), { timeout: 10_000 }).toBe(phone);
        }
        if (name === 'invalid') expect(await fact(page, PAGE_MESSAGES[lang].facts.product).count()).toBe(0);
        if (name === 'suspect') await expectScanNotice(page, lang, name, ['impossible_travel']);
        if (name === 'blocked') await expectScanNotice(page, lang, name, ['too_many_scans', 'outside_market']);
        await shoot(page, `${status}.${lang}`);
      }
    }
  });

  it('reads fully without JavaScript and says the phone did not check', async () => {
    const { genuine } = await allCodes();
    const { page } = await open(genuine, { javaScript: false });
    expect(await heading(page)).toBe(PAGE_MESSAGES['zh-CN'].lights.genuine.title);
    expect(await page.locator('#phone-check').innerText()).toBe(PAGE_MESSAGES['zh-CN'].checks.noScript);
    expect(await page.locator('form[action="/v1/reports"] button').isVisible()).toBe(true);
  });

  it('stays within 50 KB, allows only its own script by hash, and names no distributor that did not opt in', async () => {
    const { genuine, sold, blocked } = await allCodes();
    const res = await fetch(genuine, { headers: { accept: 'text/html', 'accept-language': 'zh-CN' } });
    const html = await res.text();
    // The whole page: HTML, inline CSS and inline script are one document, fetched nowhere else.
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThanOrEqual(BUDGET_BYTES);
    // The longest page: a blocked code with its notice, every rule named, in Chinese.
    const longest = await (await fetch(blocked, { headers: { accept: 'text/html', 'accept-language': 'zh-CN' } })).text();
    expect(longest).toContain('data-scan-alert="blocked"');
    expect(Buffer.byteLength(longest, 'utf8')).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(html).not.toMatch(/<(?:link|img|iframe)\b|@import|url\(|src=/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp.split('; ').find((d) => d.startsWith('script-src'))).not.toContain('unsafe');
    expect(res.headers.get('vary')).toBe('Accept, Accept-Language');

    // A distributor that did not opt in is shown by role and city; one that did, by name.
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const moved = await issueOne(factory.token, gtin, 'L-PG-DIST');
    const ship = custodyEvent('shipping', { epcs: [moved], destination: distributor.id });
    expect((await postEvents(service, factory.token, [ship])).status).toBe(200);
    expect((await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [moved] }, 1000)])).status).toBe(200);
    const verdict = (await (await fetch(moved, { headers: { accept: 'application/json' } })).json()) as {
      custody?: { custodian?: { name?: string; role: string; region: string }; history: { by?: { name?: string } }[] };
    };
    expect(verdict.custody?.custodian).toEqual({ role: 'distributor', region: 'CN-ZJ Hangzhou' });
    const page = await (await fetch(moved, { headers: { accept: 'text/html', 'accept-language': 'en' } })).text();
    expect(page).toContain('At a distributor (CN-ZJ Hangzhou)');
    expect(page).not.toMatch(/Test distributor \d+/);

    const shopRes = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: {
        name: 'Hangzhou Safety Shop',
        role: 'distributor',
        region: 'CN-ZJ Hangzhou',
        licenseNumber: freshLicense(),
        showNameOnScans: true,
      },
    });
    expect(shopRes.status).toBe(201);
    const shop = { id: ((await shopRes.json()) as { id: string }).id };
    const shopToken = await service.token(shop.id, 'distributor');
    const toShop = custodyEvent('shipping', { epcs: [sold], destination: shop.id }, 2000);
    const shipped = await issueOne(factory.token, gtin, 'L-PG-SHOP');
    expect((await postEvents(service, factory.token, [{ ...toShop, epcs: [shipped] }])).status).toBe(200);
    expect((await postEvents(service, shopToken, [custodyEvent('receiving', { epcs: [shipped] }, 3000)])).status).toBe(200);
    const named = (await (await fetch(shipped, { headers: { accept: 'application/json' } })).json()) as typeof verdict;
    expect(named.custody?.custodian).toEqual({ name: 'Hangzhou Safety Shop', role: 'distributor', region: 'CN-ZJ Hangzhou' });
  });

  it('renders names containing markup as text, never as HTML', async () => {
    const hostileOrg = `<img src=x onerror="window.__pwnedOrg=1">Evil & Sons`;
    const orgRes = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: { name: hostileOrg, role: 'factory', region: 'CN-ZJ Hangzhou', licenseNumber: freshLicense() },
    });
    expect(orgRes.status).toBe(201);
    const orgId = ((await orgRes.json()) as { id: string }).id;
    const token = await service.token(orgId, 'factory');
    const gtin = freshGtin();
    const hostileName = `<script>window.__pwned=1</script><b>Helmet</b> "A" & 'B'`;
    const productRes = await service.call('POST', '/v1/products', { token, body: { ...productBody(gtin), name: hostileName } });
    expect(productRes.status).toBe(201);
    const uri = await issueOne(token, gtin, 'L-PAGE-03');

    const html = await (await fetch(uri, { headers: { accept: 'text/html', 'accept-language': 'en' } })).text();
    expect(html).toContain(
      '&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;b&gt;Helmet&lt;/b&gt; &quot;A&quot; &amp; &#39;B&#39;',
    );
    expect(html).not.toContain('<img');
    // The one script tag is ours (its hash is the CSP's); the hostile one is text.
    expect(html.match(/<script>/g)).toHaveLength(1);

    const { page } = await open(uri, { lang: 'en' });
    expect(await heading(page)).toBe('Genuine');
    expect(await fact(page, 'Product').innerText()).toBe(hostileName);
    expect(await fact(page, 'Manufacturer').innerText()).toBe(`${hostileOrg}, CN-ZJ Hangzhou`);
    expect(await page.locator('img, td b, td script').count()).toBe(0);
    expect(
      await page.evaluate(() => JSON.stringify([Reflect.get(globalThis, '__pwned'), Reflect.get(globalThis, '__pwnedOrg')])),
    ).toBe('[null,null]');
  });
});
