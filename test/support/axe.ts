import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';

/** One rule axe found broken on a page, with how many elements break it. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: number;
}

/** WCAG 2.1 A and AA: what a public page that workers read on a phone must meet. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let checker: Promise<Page> | undefined;

/**
 * Runs axe-core over a page as it was rendered (its HTML, laid out again at phone size in a
 * page of its own, so pages served without JavaScript are checked too). The checking page
 * bypasses CSP only to let axe's own script in; the page's markup and styles are unchanged.
 * Contexts stay open: closing one ends the packaged Chromium (see browser.ts).
 */
export const accessibilityViolations = async (browser: Browser, html: string): Promise<AxeViolation[]> => {
  checker ??= browser
    .newContext({ bypassCSP: true, viewport: { width: 360, height: 780 }, javaScriptEnabled: true })
    .then((context) => context.newPage());
  const page = await checker;
  await page.setContent(html, { waitUntil: 'load' });
  await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    // Without a context axe checks the whole document.
    const checker = (globalThis as unknown as { axe: typeof axe }).axe;
    const result = await checker.run({ runOnly: { type: 'tag', values: tags } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.length,
    }));
  }, TAGS);
};
