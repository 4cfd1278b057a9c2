import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerialCodec } from '#kernel/codes/serial';
import { signCode } from '#kernel/codes/signature';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { getProductRecord } from '#shared/registry/store/product-repository';
import { type Light, PAGE_MESSAGES, type PageLanguage } from '#shared/verification/http/page-messages';
import { accessibilityViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import { custodyEvent, postEvents } from '../support/custody';
import { factoryWithProduct, freshGtin, freshLicense, productBody, registerOrg } from '../support/fixtures';
import { listInbox } from '../support/inbox';
import { startTestService, type TestService } from '../support/local-service';
import { gifPhoto, listReports, registerOrgIn } from '../support/reports';
import { writeScanFlag } from '../support/scan-flags';
import { expectScanNotice, fact, forge, heading, light } from '../support/verify-page';

/**
 * What a worker sees after scanning a label with a phone camera: a real Chromium at phone
 * size opens the code URI and gets the verify page, in Chinese by default. Screenshots of
 * every page state in both languages are written to test/e2e/screenshots/<lang>/ (gitignored);
 * `npm run screenshots` writes them to docs/screenshots/verify-page/, where they are committed.
 */
const SCREENSHOT_DIR = resolve(process.env.TRACESEAL_SCREENSHOT_DIR ?? join(import.meta.dirname, 'screenshots'));
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

/** `<state>.<lang>`, written as `<lang>/<state>.png`, after axe finds nothing to fault. */
const shoot = async (page: Page, name: string): Promise<PNG> => {
  const dot = name.lastIndexOf('.');
  const file = join(SCREENSHOT_DIR, name.slice(dot + 1), `${name.slice(0, dot)}.png`);
  await mkdir(dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  if (launching === undefined) throw new Error('the browser was not launched');
  expect(await accessibilityViolations(await launching, await page.content()), `axe: ${name}`).toEqual([]);
  const image = PNG.sync.read(await readFile(file));
  expect(image.width).toBe(PHONE.width);
  expect(image.height).toBe(PHONE.height);
  return image;
};

/** An organization that gave its names in both languages and opted in to be named on scans. */
const registerNamed = async (role: 'factory' | 'distributor', body: Record<string, unknown>) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { role, licenseNumber: freshLicense(), showNameOnScans: true, ...body },
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await service.token(id, role) };
};

/** A unit in each state a scan can report, issued through the API. */
const scenarios = async () => {
  const factory = await registerNamed('factory', {
    name: 'Hefei Helmets',
    names: { zh: '合肥安全帽厂', en: 'Hefei Helmets' },
    region: 'CN-AH Hefei',
    serviceContact: '0551-6288 0000',
  });
  const gtin = freshGtin();
  const product = { ...productBody(gtin), name: 'Safety helmet', names: { zh: 'ABS 安全帽', en: 'ABS safety helmet' } };
  expect((await service.call('POST', '/v1/products', { token: factory.token, body: product })).status).toBe(201);
  const shop = await registerNamed('distributor', {
    name: 'Hangzhou Safety Shop',
    names: { zh: '杭州劳保用品店', en: 'Hangzhou Safety Shop' },
    region: 'CN-ZJ Hangzhou',
  });
  const genuine = await issueOne(factory.token, gtin, 'L-PG-OK');
  // Sold over the counter by a shop, then scanned by its buyer: a fact, shown green.
  const sold = await issueOne(factory.token, gtin, 'L-PG-SOLD');
  const toShop = custodyEvent('shipping', { epcs: [sold], destination: shop.id }, -3000);
  expect((await postEvents(service, factory.token, [toShop])).status).toBe(200);
  expect((await postEvents(service, shop.token, [custodyEvent('receiving', { epcs: [sold] }, -2000)])).status).toBe(200);
  expect((await postEvents(service, shop.token, [custodyEvent('retail_selling', { epcs: [sold] }, -1000)])).status).toBe(200);
  const inUse = await issueOne(factory.token, gtin, 'L-PG-USE');
  expect((await postEvents(service, factory.token, [custodyEvent('decommissioning', { epcs: [inUse] })])).status).toBe(200);
  const destroyed = await issueOne(factory.token, gtin, 'L-PG-DES');
  expect((await postEvents(service, factory.token, [custodyEvent('destroying', { epcs: [destroyed] })])).status).toBe(200);
  const recalled = await issueOne(factory.token, gtin, 'L-PG-RC');
  const recall = custodyEvent('recall', { lot: { gtin, lot: 'L-PG-RC' }, reason: 'Shell cracks under impact' });
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
  return {
    gtin,
    factory,
    genuine,
    sold,
    inUse,
    destroyed,
    recalled,
    expired,
    voided,
    unknown,
    suspect,
    blocked,
    invalid: forge(genuine),
  };
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
    // Names in the page's language, places and dates as people write them.
    expect(await fact(page, zh.facts.product).innerText()).toBe('ABS 安全帽');
    expect(await fact(page, zh.facts.manufacturer).innerText()).toBe('合肥安全帽厂（安徽省合肥市）');
    expect(await fact(page, zh.facts.standard).innerText()).toBe('GB 6095-2021');
    expect(await fact(page, zh.facts.laCertificate).innerText()).toBe('LA-2026-7654321 (有效期至 2030年6月30日)');
    expect(await fact(page, zh.facts.lot).innerText()).toBe('L-PG-OK');
    expect(await fact(page, zh.facts.productionDate).innerText()).toBe('2026年11月2日');
    expect(await fact(page, zh.facts.endOfServiceLife).innerText()).toBe('2031年11月2日');
    expect(await page.locator('#checks').innerText()).toContain('（北京时间）');
    expect(await page.locator('header svg[aria-hidden="true"]').getAttribute('data-icon')).toBe('genuine');
    const check = page.locator('#phone-check');
    await expect.poll(() => check.getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await check.innerText()).toBe(zh.checks.phoneOk);
    // The report form posts exactly the fields POST /v1/reports reads; the honeypot is off-screen.
    const form = page.locator('form[action="/v1/reports"]');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.getAttribute('enctype')).toBe('multipart/form-data');
    const names = await form.locator('[name]').evaluateAll((els) => els.map((el) => el.getAttribute('name')));
    expect(names).toEqual(['code', 'place', 'city', 'description', 'contact', 'photos', 'website']);
    // The label's whole URI, as printed: the report is filed like one an app sends.
    expect(await form.locator('[name=code]').inputValue()).toBe(genuine);
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
    expect(await fact(page, 'LA certificate').innerText()).toBe('LA-2026-7654321 (valid until 30 Jun 2030)');
    expect(await fact(page, 'Product').innerText()).toBe('ABS safety helmet');
    expect(await fact(page, 'Manufacturer').innerText()).toBe('Hefei Helmets (Hefei, Anhui)');
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
    const cases: [Exclude<keyof typeof c, 'gtin' | 'factory'>, Light, 'ok' | 'bad' | 'none'][] = [
      // Sold and worn units are genuine facts, green: their buyers and wearers scan them daily.
      ['sold', 'sold', 'ok'],
      ['inUse', 'inUse', 'ok'],
      // Scan patterns of a copied label: the signature itself is genuine, so the phone agrees.
      ['suspect', 'suspect', 'ok'],
      ['blocked', 'blocked', 'ok'],
      ['recalled', 'recalled', 'ok'],
      ['expired', 'expired', 'ok'],
      ['voided', 'withdrawn', 'ok'],
      ['destroyed', 'withdrawn', 'ok'],
      ['unknown', 'unknown', 'ok'],
      // The tampered signature fails on the phone as it fails on the server.
      ['invalid', 'invalid', 'bad'],
    ];
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [name, status, phone] of cases) {
        const { page } = await open(c[name], { lang });
        expect(await light(page), name).toBe(status);
        const m = PAGE_MESSAGES[lang];
        expect(await heading(page), name).toBe(m.lights[status].title);
        expect(await page.locator('header svg[aria-hidden="true"]').getAttribute('data-icon'), name).toBe(status);
        // "May be a copy" only from scan patterns, never from a sale.
        if (name !== 'suspect') expect(await page.locator('body').innerText(), name).not.toContain(m.lights.suspect.title);
        if (phone !== 'none') {
          await expect.poll(() => page.locator('#phone-check').getAttribute('data-state'), { timeout: 10_000 }).toBe(phone);
        }
        if (name === 'invalid') expect(await fact(page, PAGE_MESSAGES[lang].facts.product).count()).toBe(0);
        if (name === 'suspect') await expectScanNotice(page, lang, name, ['impossible_travel']);
        if (name === 'blocked') await expectScanNotice(page, lang, name, ['too_many_scans', 'outside_market']);
        if (name === 'sold') {
          const shop = lang === 'en' ? 'Hangzhou Safety Shop (Hangzhou, Zhejiang)' : '杭州劳保用品店（浙江省杭州市）';
          expect(await page.locator('header .lead').innerText()).toContain(shop);
        }
        if (name === 'recalled') {
          expect(await page.locator('#recall').innerText()).toContain(m.recall.reason('Shell cracks under impact'));
          expect(await page.locator('#recall').innerText()).toContain(m.recall.contact('0551-6288 0000'));
        }
        if (name === 'invalid') expect(await page.locator('a[href="tel:12315"]').isVisible()).toBe(true);
        // Every state's whole page (HTML, inline CSS, icon and script) stays within the budget.
        const html = await (await fetch(c[name], { headers: { accept: 'text/html', 'accept-language': lang } })).text();
        expect(Buffer.byteLength(html, 'utf8'), name).toBeLessThanOrEqual(BUDGET_BYTES);
        await shoot(page, `${name}.${lang}`);
      }
    }
  });

  it('files a report sent from the page exactly like one sent with the full URI: the factory and the regulator read it', async () => {
    const { genuine, factory, gtin } = await allCodes();
    // The regulator of the factory's province: a report from an address no province is tied to goes there.
    const regulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-AH Hefei');
    for (const lang of ['zh-CN', 'en'] as const) {
      const { page } = await open(genuine, { lang, javaScript: false });
      const report = page.locator('#report');
      await report.scrollIntoViewIfNeeded();
      await page.locator('[name=place]').fill(lang === 'en' ? 'Site gate 3' : '工地 3 号门');
      await page.locator('[name=city]').fill('合肥');
      await page.locator('[name=description]').fill('The label print looks blurred.');
      await page.locator('[name=contact]').fill('138 0000 0000');
      await shoot(page, `report-form.${lang}`);
      await page.locator('form[action="/v1/reports"] button').click();
      await page.waitForURL((url) => url.pathname === '/v1/reports');
      const reference = (await page.locator('.ref').innerText()).trim();
      expect(reference).toMatch(/^TS-\d{4}-[0-9A-Z]{6}$/);
      await shoot(page, `receipt.${lang}`);

      // The factory reads it about its product: the code read, not "unreadable".
      const filed = (await listReports(service, factory.token)).find((r) => r.reference === reference);
      expect(filed?.code).toEqual(expect.objectContaining({ kind: 'unit', gtin, uri: genuine }));
      expect(filed?.factoryOrgId).toBe(factory.id);
      expect(filed?.region).toBe('CN-AH');
      expect(filed).not.toHaveProperty('contact');
      // The regulator finds it in its province's inbox, not among the unlocated ones.
      expect((await listInbox(service, regulator.token)).map((entry) => entry.id)).toContain(reference);
      expect((await listInbox(service, regulator.token, '?unlocated=true')).map((entry) => entry.id)).not.toContain(reference);
      const asRegulator = (await listReports(service, regulator.token)).find((r) => r.reference === reference);
      expect(asRegulator?.contact).toBe('138 0000 0000');
    }
  });

  it('answers a report it cannot take with a page that says what to fix, in both languages', async () => {
    const { genuine } = await allCodes();
    for (const lang of ['zh-CN', 'en'] as const) {
      const { page } = await open(genuine, { lang, javaScript: false });
      await page.locator('[name=place]').fill('Market');
      await page.locator('[name=city]').fill('Hefei');
      await page.locator('[name=description]').fill('Odd label.');
      // A GIF passes the form's accept hint when chosen by hand; the service refuses it before counting anything.
      await page.locator('[name=photos]').setInputFiles({ name: 'photo.gif', mimeType: 'image/gif', buffer: gifPhoto() });
      await page.locator('form[action="/v1/reports"] button').click();
      await page.waitForURL((url) => url.pathname === '/v1/reports');
      expect(await heading(page)).toBe(lang === 'en' ? 'Your report was not sent' : '举报未能提交');
      await shoot(page, `failure.${lang}`);
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
    expect(page).toContain('At a distributor (Hangzhou, Zhejiang)');
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

  it("has an accessibility check that finds what is broken (so a clean page's empty list means something)", async () => {
    if (launching === undefined) throw new Error('the browser was not launched');
    const broken = '<html><body><img src="data:,"><a href="#"></a></body></html>';
    const ids = (await accessibilityViolations(await launching, broken)).map((violation) => violation.id);
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'html-has-lang', 'link-name']));
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
    expect(await fact(page, 'Manufacturer').innerText()).toBe(`${hostileOrg} (Hangzhou, Zhejiang)`);
    expect(await page.locator('img, td b, td script').count()).toBe(0);
    expect(
      await page.evaluate(() => JSON.stringify([Reflect.get(globalThis, '__pwned'), Reflect.get(globalThis, '__pwnedOrg')])),
    ).toBe('[null,null]');
  });
});
