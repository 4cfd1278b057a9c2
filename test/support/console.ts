import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Driving the console in the npm Chromium: a page per language and size, every request it
 * makes recorded, screenshots in both languages and axe on the live, JavaScript-rendered
 * screen. Screenshots go to test/web/screenshots/ (gitignored); `npm run screenshots` writes
 * them to docs/screenshots/ (TRACESEAL_CONSOLE_SCREENSHOT_DIR), where they are committed.
 */
export const SCREENSHOT_DIR = resolve(
  process.env.TRACESEAL_CONSOLE_SCREENSHOT_DIR ?? join(import.meta.dirname, '../web/screenshots'),
);
export const DESK = { width: 1280, height: 800 } as const;
export const PHONE = { width: 360, height: 780 } as const;
export type ConsoleLanguage = 'zh-CN' | 'en';

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for. */
  requests: URL[];
}

/**
 * A fresh context at the console's size, opened on a link that names the language (the
 * console remembers it in localStorage; without either it speaks zh-CN). Contexts stay open until the
 * browser closes: closing one ends the packaged Chromium (see browser.ts).
 */
export const openConsole = async (
  browser: Browser,
  url: string,
  options: { language?: ConsoleLanguage; viewport?: { width: number; height: number } } = {},
): Promise<ConsolePage> => {
  const language = options.language ?? 'zh-CN';
  const context = await browser.newContext({
    viewport: options.viewport ?? DESK,
    locale: language === 'en' ? 'en-US' : 'zh-CN',
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  const requests: URL[] = [];
  page.on('request', (request) => requests.push(new URL(request.url())));
  // The packaged Chromium may share storage between contexts: the language goes in the link.
  const target = new URL(url);
  target.searchParams.set('lang', language);
  const response = await page.goto(target.href);
  expect(response?.status()).toBe(200);
  return { page, context, requests };
};

/**
 * What the console (or the workers' app) may ask for: its own files and config, the public API and the OpenID
 * provider, all on the service's origin. Anything else (a CDN, a font service, analytics)
 * fails the test that calls this.
 */
export const expectOnlyOwnRequests = (requests: readonly URL[], serviceUrl: string): void => {
  const origin = new URL(serviceUrl).origin;
  const strays = requests
    .filter((url) => url.protocol !== 'data:' && url.protocol !== 'blob:')
    .filter(
      (url) => url.origin !== origin || !/^\/(console\/|scan\/|scan$|v1\/|oidc\/|\.well-known\/|0[01]\/)/.test(url.pathname),
    )
    .map((url) => url.href);
  expect(strays).toEqual([]);
};

/** Serious and critical axe findings (WCAG 2.1 A and AA) on the screen as it is now. */
export const expectAccessible = async (page: Page, name: string): Promise<void> => {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length }));
  expect(blocking, `axe: ${name}`).toEqual([]);
};

/** `<area>/<language>/<name>.png`, after axe finds nothing serious on the screen. */
export const shootScreen = async (page: Page, area: string, name: string, language: ConsoleLanguage): Promise<string> => {
  await expectAccessible(page, `${area}/${language}/${name}`);
  const file = join(SCREENSHOT_DIR, area, language, `${name}.png`);
  await mkdir(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
};

/** A person who can sign in at the local OpenID provider (test/support/people.ts `addPerson`). */
export interface ConsolePerson {
  readonly email: string;
  readonly password: string;
}

/**
 * Signs in as a person does: the console's sign-in button, the provider's login form filled
 * and sent, and back on the console once its frame (the sign-out button) is shown.
 */
export const signInToConsole = async (
  browser: Browser,
  serviceUrl: string,
  person: ConsolePerson,
  options: { language?: ConsoleLanguage; viewport?: { width: number; height: number }; path?: string } = {},
): Promise<ConsolePage> => {
  const language = options.language ?? 'zh-CN';
  const opened = await openConsole(browser, `${serviceUrl}/console${options.path ?? '/'}`, options);
  const { page } = opened;
  await page.getByRole('button', { name: language === 'en' ? 'Sign in' : '登录', exact: true }).click();
  await page.locator('#email').fill(person.email);
  await page.locator('#password').fill(person.password);
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: language === 'en' ? 'Sign out' : '退出登录', exact: true }).waitFor();
  return opened;
};
