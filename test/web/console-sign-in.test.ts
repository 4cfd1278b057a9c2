import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshLicense } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * A person signs in to the console through the local OpenID provider (code + PKCE), sees who
 * they are and for which organization, and signs out at the provider.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();
let factoryId: string;

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { role: 'factory', name: '合肥安全帽厂', region: 'CN-AH Hefei', licenseNumber: freshLicense() },
  });
  expect(res.status).toBe(201);
  factoryId = ((await res.json()) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe('signing in to the console', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`shows a factory's quality manager their organization after sign-in, in ${language}`, async () => {
      const person = await addPerson(service, { orgId: factoryId, role: 'factory', orgAdmin: true, name: '王质量' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });
      await page.getByRole('heading', { level: 2, name: language === 'en' ? 'Hello, 王质量' : '王质量，您好' }).waitFor();
      await page.getByText('合肥安全帽厂').waitFor();
      await page.getByText(language === 'en' ? 'Hefei, Anhui' : '安徽省合肥市').waitFor();
      await shootScreen(page, 'console', 'home-factory', language);
      expectOnlyOwnRequests(requests, service.url);
    });
  }

  it('keeps the tokens in memory: nothing of them in localStorage, sessionStorage or a cookie of the console', async () => {
    const person = await addPerson(service, { orgId: factoryId, role: 'factory' });
    const { page, context } = await signInToConsole(await chromium.get(), service.url, person);
    const stored = (await page.evaluate(
      '[JSON.stringify(Object.entries(localStorage)), JSON.stringify(Object.entries(sessionStorage))].join("")',
    )) as string;
    expect(stored).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
    const consoleCookies = (await context.cookies(`${service.url}/console/`)).filter((cookie) =>
      cookie.path.startsWith('/console'),
    );
    expect(consoleCookies).toEqual([]);
  });

  it('signs out at the provider: the next sign-in asks for the password again', async () => {
    const person = await addPerson(service, { orgId: factoryId, role: 'factory' });
    const browser = await chromium.get();
    const { page } = await signInToConsole(browser, service.url, person, { language: 'en' });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    // The provider asks to confirm; its page is in both languages.
    await page.locator('button[name="logout"]').click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the TraceSeal console' }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#password').waitFor();
    expect(new URL(page.url()).pathname.startsWith('/oidc/')).toBe(true);
  });

  it('can be done with the keyboard alone', async () => {
    const person = await addPerson(service, { orgId: factoryId, role: 'factory', name: 'Keyboard Kim' });
    const { openConsole } = await import('../support/console');
    const { page } = await openConsole(await chromium.get(), `${service.url}/console/`, { language: 'en' });
    await page.getByRole('heading', { level: 1, name: 'Sign in to the TraceSeal console' }).waitFor();
    // Tab to the sign-in button (past the language switch), Enter; the login form focuses the email field.
    for (let tabs = 0; tabs < 10; tabs++) {
      await page.keyboard.press('Tab');
      const focused = (await page.evaluate('document.activeElement?.textContent ?? ""')) as string;
      if (focused === 'Sign in') break;
    }
    await page.keyboard.press('Enter');
    await page.locator('#email').waitFor();
    await page.keyboard.type(person.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(person.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Hello, Keyboard Kim' }).waitFor();
  });
});
