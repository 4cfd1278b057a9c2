import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { type ConsoleLanguage, expectOnlyOwnRequests, PHONE, shootScreen } from '../support/console';
import { issueUnits } from '../support/custody';
import { fakeCamera } from '../support/fake-camera';
import { freshGtin, freshLicense, productBody } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { listReports } from '../support/reports';
import { forge } from '../support/verify-page';
import { firstLoadScripts, gzippedBytes, WEB_DIST } from '../support/web-budgets';

/**
 * The workers' app at /scan, as a worker uses it on a phone (360×780) in the npm Chromium with
 * a camera that films the label the test prints: a real code verified online, the same code
 * offline (the signature still checked, on the phone, with the keys it kept), a forged code
 * refused offline, a report queued offline and sent when the signal returns, and "my scans".
 */
let service: TestService;
let adminToken: string;
const camera = fakeCamera();
const chromium = browserForFile({ extraArgs: camera.args });

const WORDS = {
  'zh-CN': {
    start: '打开相机扫码',
    again: '继续扫码',
    genuine: '正品',
    offline: '签名真实，状态未核实（离线）',
    forged: '签名无效，疑似假冒',
    offlineBar: '离线：仍可核验签名',
    onlineBar: '在线',
    report: '举报此标签',
    place: '发现地点（商店、市场或工地）',
    city: '所在城市',
    description: '哪里可疑',
    submit: '提交举报',
    savedOffline: '已保存在本机，恢复网络后自动发送。',
    history: '我的扫码',
    historyTitle: '我的扫码记录',
    clear: '清空记录',
    confirm: '确认清空',
    empty: '还没有扫码记录。',
    title: '扫码验真',
  },
  en: {
    start: 'Open the camera',
    again: 'Scan another',
    genuine: 'Genuine',
    offline: 'Signature genuine, status not checked (offline)',
    forged: 'Invalid signature, likely counterfeit',
    offlineBar: 'Offline: signatures still checked',
    onlineBar: 'Online',
    report: 'Report this label',
    place: 'Where you found it (shop, market or site)',
    city: 'City',
    description: 'What looks wrong',
    submit: 'Send the report',
    savedOffline: 'Saved on this phone: it is sent when the connection returns.',
    history: 'My scans',
    historyTitle: 'My scans',
    clear: 'Clear my scans',
    confirm: 'Yes, clear',
    empty: 'No scans yet.',
    title: 'Scan and verify',
  },
} as const;

beforeAll(async () => {
  await camera.show('not yet a label');
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

/**
 * One phone for the file: the packaged Chromium runs in one process, and a second context
 * holding a service worker and the camera ends it. Each language opens the app by its link.
 */
let phone: Promise<{ context: BrowserContext; page: Page; requests: URL[]; errors: string[] }> | undefined;

const openApp = async (language: ConsoleLanguage) => {
  phone ??= (async () => {
    const browser = await chromium.get();
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', serviceWorkers: 'allow' });
    await context.grantPermissions(['camera'], { origin: service.url });
    const page = await context.newPage();
    const requests: URL[] = [];
    page.on('request', (request) => requests.push(new URL(request.url())));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { context, page, requests, errors };
  })();
  const opened = await phone;
  const response = await opened.page.goto(`${service.url}/scan/?lang=${language}`);
  expect(response?.status()).toBe(200);
  return opened;
};

/** A factory and its product named in both languages, as a real one registers them. */
const namedFactoryWithProduct = async () => {
  const org = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: {
      name: '杭州安盾劳保用品有限公司',
      names: { zh: '杭州安盾劳保用品有限公司', en: 'Hangzhou Andun Safety Products Co.' },
      role: 'factory',
      region: 'CN-ZJ Hangzhou',
      licenseNumber: freshLicense(),
    },
  });
  expect(org.status).toBe(201);
  const { id } = (await org.json()) as { id: string };
  const token = await service.token(id, 'factory');
  const gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token,
    body: { ...productBody(gtin), names: { zh: '全身式坠落防护安全带', en: 'Full-body fall-arrest harness' } },
  });
  expect(product.status).toBe(201);
  return { factory: { id, token }, gtin };
};

/**
 * No signal: the context's offline mode, and every request refused as a phone without signal
 * refuses it, the service worker's own included (Chromium's offline emulation does not always
 * reach a service worker's fetches, and says "online" again when it reaches one).
 */
const noSignal = async (context: BrowserContext): Promise<void> => {
  await context.route('**/*', (route) => route.abort('internetdisconnected'));
  await context.setOffline(true);
};
const signalBack = async (context: BrowserContext): Promise<void> => {
  await context.unrouteAll();
  await context.setOffline(false);
};

/** What the test reads inside the page (the test's own types have no DOM). */
interface PageGlobals {
  navigator: { serviceWorker: { controller: object | null } };
}

const verdict = (page: Page) => page.locator('section.verdict');

/** Points the camera at a label, opens it and waits for the verdict's headline. */
const scanLabel = async (page: Page, uri: string, button: string, headline: string) => {
  await camera.show(uri);
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: headline }).waitFor({ timeout: 30_000 });
};

describe('the workers app served at /scan', () => {
  it('answers /scan and its client-side paths with its page, uncached, under the strict CSP', async () => {
    for (const path of ['/scan', '/scan/', '/scan/history']) {
      const res = await fetch(`${service.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    expect((await fetch(`${service.url}/scan/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${service.url}/scan/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('serves its service worker, manifest and config uncached, its WebAssembly from our own assets', async () => {
    const worker = await fetch(`${service.url}/scan/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const precached = /const SHELL = (\[.*\]);/.exec(await worker.text())?.[1] ?? '[]';
    const shell = JSON.parse(precached) as string[];
    const wasm = shell.find((file) => file.endsWith('.wasm'));
    expect(wasm).toMatch(/^assets\/zxing_reader-[\w-]+\.wasm$/);
    const binary = await fetch(`${service.url}/scan/${wasm}`);
    expect(binary.headers.get('content-type')).toBe('application/wasm');
    expect(binary.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const manifest = await fetch(`${service.url}/scan/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const body = (await manifest.json()) as {
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(body).toMatchObject({ start_url: '/scan/', scope: '/scan/', display: 'standalone' });
    for (const icon of body.icons) {
      const image = await fetch(`${service.url}${icon.src}`);
      expect(image.status, icon.src).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
    }
    expect(body.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    const config = await fetch(`${service.url}/scan/config.json`);
    expect(config.headers.get('cache-control')).toBe('no-cache');
    expect(await config.json()).toMatchObject({ apiBase: '' });
  });

  it('loads within the budget: at most 150 KB of JavaScript, gzipped, counted by size-limit', async () => {
    const scripts = await firstLoadScripts('scan');
    expect(scripts.length).toBeGreaterThan(0);
    expect(await gzippedBytes(scripts)).toBeLessThanOrEqual(150 * 1024);
    // The ZXing reader is not part of the first load: it loads when a phone lacks a native reader.
    expect(scripts.every((script) => script.startsWith(join(WEB_DIST, 'scan', 'assets', 'index-')))).toBe(true);
  });
});

describe('a worker scans labels on a phone', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`verifies online, checks signatures offline, queues a report until the signal returns, in ${language}`, async () => {
      const words = WORDS[language];
      const { factory, gtin } = await namedFactoryWithProduct();
      const [uri] = await issueUnits(service, factory.token, gtin, language === 'en' ? 'L2611-B' : 'L2611-A', 1);
      if (uri === undefined) throw new Error('no code issued');
      const { context, page, requests, errors } = await openApp(language);
      await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe(language);
      // Installed: the service worker controls the page, so the app opens without signal.
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).navigator.serviceWorker.controller !== null);
      await shootScreen(page, 'scan-app', 'scan', language);

      // Online: the server's verdict, and the product it names.
      await scanLabel(page, uri, words.start, words.genuine);
      expect(await verdict(page).getAttribute('data-tone')).toBe('ok');
      expect(await verdict(page).innerText()).toContain(
        language === 'en' ? 'Full-body fall-arrest harness' : '全身式坠落防护安全带',
      );
      await shootScreen(page, 'scan-app', 'verdict-online', language);

      // No signal: the app still opens (from its service worker) and checks the signature itself.
      await noSignal(context);
      await page.reload();
      await page.getByText(words.offlineBar).waitFor();
      await scanLabel(page, uri, words.start, words.offline);
      expect(await verdict(page).getAttribute('data-tone')).toBe('offline');
      await shootScreen(page, 'scan-app', 'verdict-offline', language);

      // A forged label is refused on the phone, with no server to ask.
      const forged = forge(uri);
      await scanLabel(page, forged, words.again, words.forged);
      expect(await verdict(page).getAttribute('data-tone')).toBe('bad');
      await shootScreen(page, 'scan-app', 'verdict-forged', language);

      // A report written offline waits on the phone...
      await page.getByRole('button', { name: words.report, exact: true }).click();
      const place = `Night market stall ${language}`;
      await page.getByLabel(words.place).fill(place);
      await page.getByLabel(words.city).fill('Hangzhou');
      await page.getByLabel(words.description).fill('The label looks reprinted');
      await page.getByRole('button', { name: words.submit, exact: true }).click();
      await page.getByText(words.savedOffline).waitFor();
      await page.locator('li[data-state="queued"]', { hasText: place }).waitFor();
      await shootScreen(page, 'scan-app', 'report-queued', language);
      expect((await listReports(service, factory.token)).length).toBe(0);

      // ...and is sent when the signal returns; the factory then holds it, with the forged code.
      await signalBack(context);
      await page.getByText(words.onlineBar, { exact: true }).waitFor();
      const sent = page.locator('li[data-state="sent"]', { hasText: place });
      await sent.waitFor();
      await expect.poll(async () => (await listReports(service, factory.token)).length).toBe(1);
      const [held] = await listReports(service, factory.token);
      expect(await sent.innerText()).toContain(held?.reference ?? 'no reference');
      expect(held?.code?.kind).toBe('unit');
      await shootScreen(page, 'scan-app', 'report-sent', language);

      // My scans: the three, newest first, with their verdicts; then cleared.
      await page.getByRole('button', { name: words.history, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: words.historyTitle }).waitFor();
      const records = page.locator('ol.records > li');
      await records.nth(2).waitFor();
      expect(await records.evaluateAll((items) => items.slice(0, 3).map((item) => item.getAttribute('data-tone')))).toEqual([
        'bad',
        'offline',
        'ok',
      ]);
      await shootScreen(page, 'scan-app', 'history', language);
      await page.getByRole('button', { name: words.clear, exact: true }).click();
      await page.getByRole('button', { name: words.confirm, exact: true }).click();
      await page.getByText(words.empty).waitFor();

      expect(errors).toEqual([]);
      expectOnlyOwnRequests(requests, service.url);
    }, 180_000);
  }
});
