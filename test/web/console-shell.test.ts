import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, openConsole, shootScreen } from '../support/console';
import { startTestService, type TestService } from '../support/local-service';
import { firstLoadScripts, gzippedBytes, WEB_DIST } from '../support/web-budgets';

/**
 * The console as the local gateway serves it (as CloudFront serves it from the web bucket):
 * its page, assets, configuration and headers, and its first screen in the npm Chromium.
 */
let service: TestService;
const chromium = browserForFile();
const browser = chromium.get;

beforeAll(async () => {
  chromium.start();
  service = await startTestService();
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe('the console served at /console/', () => {
  it('answers /console with a redirect to /console/, keeping the query', async () => {
    const res = await fetch(`${service.url}/console?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/console/?x=1');
  });

  it('serves its page uncached under a strict CSP: scripts only from its own origin, no frames around it', async () => {
    const res = await fetch(`${service.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<div id="root"></div>');
  });

  it('answers a client-side route with the same page, and a missing asset with 404', async () => {
    const page = await fetch(`${service.url}/console/products/06901234567892`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    expect((await fetch(`${service.url}/console/assets/nothing-here.js`)).status).toBe(404);
  });

  it('caches hashed assets for a year and never serves a file outside the app', async () => {
    const [entry] = await firstLoadScripts('console');
    if (entry === undefined) throw new Error('index.html names no script');
    const name = entry.slice(entry.lastIndexOf('/assets/') + 1);
    const asset = await fetch(`${service.url}/console/${name}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe(await readFile(entry, 'utf8'));
    for (const outside of ['..%2f..%2fpackage.json', 'assets%2f..%2f..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json']) {
      const res = await fetch(`${service.url}/console/${outside}`);
      expect(res.status, outside).toBe(404);
      expect(await res.text()).not.toContain('"name": "traceseal"');
    }
  });

  it('hands the browser its configuration: the API on its own origin and the OpenID provider', async () => {
    const res = await fetch(`${service.url}/console/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({
      apiBase: '',
      oidc: { authority: '/oidc', clientId: 'traceseal-console', scope: 'openid profile email' },
    });
  });

  it('loads its first screen within the budget: at most 400 KB of JavaScript, gzipped, counted by size-limit', async () => {
    const scripts = await firstLoadScripts('console');
    expect(scripts.length).toBeGreaterThan(0);
    expect(await gzippedBytes(scripts)).toBeLessThanOrEqual(400 * 1024);
  });
});

describe('the sign-in screen, in the npm Chromium', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`shows what the console is and one way in, in ${language}, with nothing refused by the CSP`, async () => {
      const { page, requests } = await openConsole(await browser(), `${service.url}/console/`, { language });
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
      const heading = language === 'en' ? 'Sign in to the TraceSeal console' : '登录 TraceSeal 控制台';
      page.on('pageerror', (error) => violations.push(error.message));
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await expect(page.getByRole('button', { name: language === 'en' ? 'Sign in' : '登录' }).count()).resolves.toBe(1);
      expect(await page.evaluate('document.documentElement.lang')).toBe(language);
      await shootScreen(page, 'console', 'sign-in', language);
      expect(violations).toEqual([]);
      expectOnlyOwnRequests(requests, service.url);
    });
  }

  it('switches language in place and remembers the choice for the next visit', async () => {
    const { page, context } = await openConsole(await browser(), `${service.url}/console/`, { language: 'zh-CN' });
    await page.getByRole('heading', { level: 1, name: '登录 TraceSeal 控制台' }).waitFor();
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the TraceSeal console' }).waitFor();
    const again = await context.newPage();
    await again.goto(`${service.url}/console/`);
    await again.getByRole('heading', { level: 1, name: 'Sign in to the TraceSeal console' }).waitFor();
    expect(await again.evaluate("localStorage.getItem('traceseal.language')")).toBe('en');
  });
});

describe('the built console', () => {
  it('is built from the current sources (npm install, npm start and the tests build it)', async () => {
    const { sourcesHash } = await import('../../scripts/dev/build-web');
    expect(await readFile(join(WEB_DIST, '.sources-hash'), 'utf8')).toBe(await sourcesHash());
  });
});
