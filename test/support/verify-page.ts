import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { UnitFlag } from '#shared/scans/domain/scan-rules';
import { PAGE_MESSAGES, type PageLanguage } from '#shared/verification/http/page-messages';

/** Reading the verify page in a real browser: its verdict, its facts and its scan notice. */
export const heading = async (page: Page) => (await page.getByRole('heading', { level: 1 }).innerText()).trim();
export const light = (page: Page) => page.locator('header').getAttribute('data-status');
export const fact = (page: Page, label: string) =>
  page.locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');

/** Changes one character in the middle of the 86-character signature (not the last, whose low bits are padding). */
export const forge = (uri: string): string => {
  const url = new URL(uri);
  const digsig = url.searchParams.get('8030') ?? '';
  const at = 4 + 40;
  url.searchParams.set('8030', `${digsig.slice(0, at)}${digsig[at] === 'A' ? 'B' : 'A'}${digsig.slice(at + 1)}`);
  return url.toString();
};

/** The scan-pattern notice names each rule that fired and what to do, and the report form stays usable. */
export const expectScanNotice = async (page: Page, lang: PageLanguage, level: UnitFlag, rules: readonly string[]) => {
  const notice = page.locator('#scan-alert');
  expect(await notice.getAttribute('data-scan-alert')).toBe(level);
  expect(await notice.locator('li').evaluateAll((els) => els.map((el) => el.getAttribute('data-rule')))).toEqual(rules);
  expect(await notice.innerText()).toContain(PAGE_MESSAGES[lang].scanAlert.whatToDo[level]);
  expect(await page.locator('form[action="/v1/reports"] button').isVisible()).toBe(true);
};
