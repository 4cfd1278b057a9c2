import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { factoryWithProduct, freshGtin, freshLicense, productBody } from '../support/fixtures';
import { startTestService, type TestService } from '../support/local-service';

/**
 * What a worker sees after scanning a label with a phone camera: a real Chromium opens the
 * code URI with its own Accept header and gets the HTML verdict page.
 *
 * Set E2E_SCREENSHOT_DIR to keep a copy of the genuine page's screenshot for a human look.
 */
let service: TestService;
let adminToken: string;
let launching: Promise<Browser> | undefined;
let opened: Promise<Page> | undefined;
let shots: string;

beforeAll(async () => {
  // Launched here but awaited in each test, so a missing Chromium fails every test with
  // the install hint instead of leaving them skipped behind a failed hook.
  launching = launchChromium();
  launching.catch(() => undefined);
  shots = await mkdtemp(join(tmpdir(), 'traceseal-page-'));
  service = await startTestService();
  adminToken = await service.token('ops-admin', 'admin');
});

afterAll(async () => {
  await launching?.then(
    (browser) => browser.close(),
    () => undefined,
  );
  await service?.stop();
  await rm(shots, { recursive: true, force: true });
});

const openPage = (): Promise<Page> => {
  if (launching === undefined) throw new Error('the browser was not launched');
  opened ??= launching.then((browser) => browser.newPage({ viewport: { width: 800, height: 700 } }));
  return opened;
};

const issueOne = async (token: string, gtin: string, lot: string): Promise<string> => {
  const res = await service.call('POST', '/v1/batches', { token, body: { gtin, lot, productionDate: '2026-11-02', count: 1 } });
  expect(res.status).toBe(201);
  const [uri] = ((await res.json()) as { codes: string[] }).codes;
  if (uri === undefined) throw new Error('no code issued');
  return uri;
};

/** The facts table cell labelled `label`. */
const fact = (page: Page, label: string) =>
  page.locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');

/** Changes one character in the middle of the 86-character signature (not the last, whose low bits are padding). */
const forge = (uri: string): string => {
  const url = new URL(uri);
  const digsig = url.searchParams.get('8030') ?? '';
  const at = 4 + 40;
  const replacement = digsig[at] === 'A' ? 'B' : 'A';
  const forged = `${digsig.slice(0, at)}${replacement}${digsig.slice(at + 1)}`;
  expect(forged).toHaveLength(90);
  expect(forged).toMatch(/^[A-Za-z0-9_-]{90}$/);
  expect(forged).not.toBe(digsig);
  url.searchParams.set('8030', forged);
  return url.toString();
};

describe('the verification page in a real browser', () => {
  it('shows Genuine with the product and lot for a genuine code, as a page that renders', async () => {
    const page = await openPage();
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const uri = await issueOne(factory.token, gtin, 'L-PAGE-01');

    const response = await page.goto(uri);
    if (response === null) throw new Error('no response for the code URI');
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers['content-type']).toMatch(/^text\/html/);
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers.vary).toBe('Accept');

    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.isVisible()).toBe(true);
    expect((await heading.innerText()).trim()).toBe('Genuine');
    expect(await page.title()).toBe('TraceSeal: Genuine');
    expect(await page.locator('header').getAttribute('data-status')).toBe('genuine');
    expect(await fact(page, 'Product').innerText()).toBe(productBody(gtin).name);
    expect(await fact(page, 'Lot').innerText()).toBe('L-PAGE-01');
    expect(await fact(page, 'GTIN').innerText()).toBe(gtin);
    expect(await fact(page, 'Product').isVisible()).toBe(true);
    expect(await fact(page, 'Lot').isVisible()).toBe(true);

    const file = join(shots, 'genuine.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const image = PNG.sync.read(png);
    expect(image.width).toBe(800);
    expect(image.height).toBeGreaterThan(100);
    // The verdict band across the top is the genuine green (#137333).
    const topLeft = [...image.data.subarray((5 * image.width + 5) * 4, (5 * image.width + 5) * 4 + 3)];
    expect(topLeft).toEqual([0x13, 0x73, 0x33]);
    const keep = process.env.E2E_SCREENSHOT_DIR;
    if (keep !== undefined && keep !== '') {
      await mkdir(keep, { recursive: true });
      await copyFile(file, join(keep, 'genuine.png'));
    }
  });

  it('shows Not genuine for a code whose signature was altered by one character', async () => {
    const page = await openPage();
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const forged = forge(await issueOne(factory.token, gtin, 'L-PAGE-02'));

    const response = await page.goto(forged);
    expect(response?.status()).toBe(200);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.isVisible()).toBe(true);
    expect((await heading.innerText()).trim()).toBe('Not genuine');
    expect(await page.locator('header').getAttribute('data-status')).toBe('invalid');
    // Nothing about the product is vouched for on a forged code.
    expect(await fact(page, 'Product').count()).toBe(0);
  });

  it('renders names containing markup as text, never as HTML', async () => {
    const page = await openPage();
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

    const raw = await fetch(uri, { headers: { accept: 'text/html' } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await raw.text();
    expect(html).toContain(
      '&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;b&gt;Helmet&lt;/b&gt; &quot;A&quot; &amp; &#39;B&#39;',
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');

    await page.goto(uri);
    expect((await page.getByRole('heading', { level: 1 }).innerText()).trim()).toBe('Genuine');
    expect(await fact(page, 'Product').innerText()).toBe(hostileName);
    expect(await fact(page, 'Manufacturer').innerText()).toBe(`${hostileOrg}, CN-ZJ Hangzhou`);
    expect(await page.locator('script, img, td b').count()).toBe(0);
    expect(
      await page.evaluate(() => JSON.stringify([Reflect.get(globalThis, '__pwned'), Reflect.get(globalThis, '__pwnedOrg')])),
    ).toBe('[null,null]');
  });
});
