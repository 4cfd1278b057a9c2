import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '#kernel/codes/gtin';
import en from '../../web/console/src/i18n/en.json';
import zhCN from '../../web/console/src/i18n/zh-CN.json';
import { browserForFile } from '../support/browser';
import { type ConsoleLanguage, expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshGtin, freshLicense } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';
import { HELMET_STANDARD, helmetClauses, labReportBody, registerLab, samplePdf } from '../support/test-reports';

/**
 * A factory's quality manager, in the browser: registers a product through the form (the
 * GTIN's check digit said while typed), edits its names, sets its scan links and rules,
 * attaches its type-test report and sees the clause where it differs from what the lab
 * registered, then downloads the PDF. Once per language, with the screenshots of each screen.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();
let factoryId: string;
let factoryToken: string;
let lab: { id: string; token: string };

const CATALOGUES = { 'zh-CN': zhCN, en } as const;
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { role: 'factory', name: '合肥安全帽厂', region: 'CN-AH Hefei', licenseNumber: freshLicense() },
  });
  expect(res.status).toBe(201);
  factoryId = ((await res.json()) as { id: string }).id;
  factoryToken = await service.token(factoryId, 'factory');
  lab = await registerLab(service, adminToken);
  // A product registered before, with a lot, so the listing shows a lot count.
  const earlier = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token: factoryToken,
    body: {
      gtin: earlier,
      name: '防尘口罩 KN95',
      names: { zh: '防尘口罩 KN95', en: 'KN95 dust respirator' },
      category: 'respirator',
      standard: 'GB 2626-2019',
      laCertificate: { number: 'LA-2025-0815', validUntil: '2029-08-31' },
      serviceLifeMonths: 36,
    },
  });
  expect(product.status).toBe(201);
  const batch = await service.call('POST', '/v1/batches', {
    token: factoryToken,
    body: { gtin: earlier, lot: 'L260301', productionDate: '2026-03-01', count: 3 },
  });
  expect(batch.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

const api = async <T>(path: string): Promise<T> => {
  const res = await service.call('GET', path, { token: factoryToken });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

/** Picks an option of the antd select labelled `label`. */
const choose = async (page: Page, select: Locator, option: string) => {
  await select.click();
  // The newest dropdown is the last one in the page; a closed one stays behind, hidden.
  await page.locator(`.ant-select-dropdown .ant-select-item-option[title="${option}"]`).last().click();
  await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
};

describe("a factory's products in the console", () => {
  for (const language of ['zh-CN', 'en'] as const satisfies ConsoleLanguage[]) {
    it(`registers, edits, links, sets rules and attaches a mismatching test report, in ${language}`, async () => {
      const L = CATALOGUES[language].factory;
      const C = CATALOGUES[language].common;
      const person = await addPerson(service, { orgId: factoryId, role: 'factory', name: '王质量' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });

      await page.getByRole('link', { name: L.products.menu, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: L.products.title }).waitFor();
      await page.getByRole('button', { name: L.products.register }).click();
      await page.getByRole('heading', { level: 1, name: L.products.register }).waitFor();

      // The GTIN's check digit is judged while it is typed.
      const gtin = freshGtin();
      const wrongDigit = (Number(gtin[13]) + 1) % 10;
      const gtinInput = page.getByLabel(L.products.gtin, { exact: true });
      await gtinInput.fill(gtin.slice(0, 9));
      await page.getByText(fill(L.productForm.gtinLength, { count: 9 })).waitFor();
      await gtinInput.fill(`${gtin.slice(0, 13)}${wrongDigit}`);
      await page.getByText(fill(L.productForm.gtinCheckDigit, { expected: gtin[13] ?? '', given: wrongDigit })).waitFor();
      await gtinInput.fill(gtin);
      await page.getByText(L.productForm.gtinValid).waitFor();
      expect(withCheckDigit(gtin.slice(0, 13))).toBe(gtin);

      await page.getByLabel(L.productForm.nameZh, { exact: true }).fill('安全帽 A 型');
      await page.getByLabel(L.productForm.nameEn, { exact: true }).fill('Safety helmet, type A');
      await choose(page, page.getByLabel(L.products.category, { exact: true }), L.products.categories.safety_helmet);
      await page.getByLabel(L.products.standard, { exact: true }).fill(HELMET_STANDARD);
      await page.getByLabel(L.products.laCertificate, { exact: true }).fill('LA-2026-0042');
      await page.getByLabel(L.products.laValidUntil, { exact: true }).fill('2030-12-31');
      await page.getByLabel(L.productForm.serviceLifeMonths, { exact: true }).fill('30');
      await page.getByLabel(L.links.types.safetyInfo, { exact: true }).fill('https://helmets.example.com/safety');
      // The screenshot shows the form from its top: the heading and the GTIN's check.
      await page.getByRole('heading', { level: 1, name: L.products.register }).scrollIntoViewIfNeeded();
      await shootScreen(page, 'console', 'factory-product-register', language);
      await page.getByRole('button', { name: L.productForm.submit }).click();

      // The product's screen, named in the reader's language.
      const registeredName = language === 'en' ? 'Safety helmet, type A' : '安全帽 A 型';
      await page.getByRole('heading', { level: 1, name: registeredName }).waitFor();
      expect(await api(`/v1/products/${gtin}`)).toMatchObject({
        name: '安全帽 A 型',
        names: { zh: '安全帽 A 型', en: 'Safety helmet, type A' },
        category: 'safety_helmet',
        laCertificate: { number: 'LA-2026-0042', validUntil: '2030-12-31' },
        serviceLifeMonths: 30,
        lotCount: 0,
      });
      expect(await api(`/v1/products/${gtin}/links`)).toMatchObject({
        links: [{ linkType: 'safetyInfo', href: 'https://helmets.example.com/safety', type: 'text/html' }],
      });

      // Edit its names and service life.
      await page.getByLabel(L.productForm.nameZh, { exact: true }).fill('安全帽 A 型（玻璃钢）');
      await page.getByLabel(L.productForm.nameEn, { exact: true }).fill('Safety helmet, type A (fibreglass)');
      await page.getByLabel(L.productForm.serviceLifeMonths, { exact: true }).fill('36');
      await page.getByRole('button', { name: C.save, exact: true }).click();
      const editedName = language === 'en' ? 'Safety helmet, type A (fibreglass)' : '安全帽 A 型（玻璃钢）';
      await page.getByRole('heading', { level: 1, name: editedName }).waitFor();
      await expect
        .poll(() => api(`/v1/products/${gtin}`))
        .toMatchObject({
          names: { zh: '安全帽 A 型（玻璃钢）', en: 'Safety helmet, type A (fibreglass)' },
          serviceLifeMonths: 36,
        });
      await shootScreen(page, 'console', 'factory-product', language);

      // Its links: add the instructions beside the safety information.
      await page.getByRole('tab', { name: L.product.tabLinks }).click();
      await page.getByRole('button', { name: L.links.add }).click();
      await choose(page, page.locator('#links_1_linkType'), L.links.types.instructions);
      await page.locator('#links_1_title').fill(language === 'en' ? 'Instructions for use' : '使用说明书');
      await page.locator('#links_1_href').fill('https://helmets.example.com/manual.pdf');
      await page.getByRole('button', { name: L.links.save }).click();
      await expect
        .poll(async () =>
          (await api<{ links: { linkType: string }[] }>(`/v1/products/${gtin}/links`)).links.map((l) => l.linkType),
        )
        .toEqual(['safetyInfo', 'instructions']);

      // Its scan rules: the defaults said, then its own.
      await page.getByRole('tab', { name: L.product.tabRules }).click();
      await page.getByText(L.rules.usingDefaults).waitFor();
      await page
        .getByText(fill(L.rules.default, { value: 50 }), { exact: false })
        .first()
        .waitFor();
      await page.getByLabel(L.rules.maxScans, { exact: true }).fill('20');
      await page.getByLabel(L.rules.ruleNames.outside_market, { exact: true }).uncheck();
      await page.getByRole('button', { name: L.rules.save }).click();
      await expect
        .poll(() =>
          api<{ defaults: boolean; rules: { maxScans: number; enabledRules: string[] } }>(`/v1/products/${gtin}/scan-rules`),
        )
        .toMatchObject({
          defaults: false,
          rules: { maxScans: 20, enabledRules: ['too_many_scans', 'impossible_travel', 'far_from_sale'] },
        });

      // Its type-test report: the lab registered 3850 N; the copy attached says 4100 N.
      const pdf = samplePdf(`type test ${gtin}`);
      const registration = labReportBody({ id: factoryId, gtin }, pdf);
      const registered = await service.call('POST', '/v1/lab-reports', { token: lab.token, body: registration });
      expect(registered.status).toBe(201);
      await page.getByRole('tab', { name: L.product.tabReport }).click();
      await page.getByText(L.report.none).waitFor();
      await page.getByLabel(L.report.number, { exact: true }).fill(registration.number);
      await page.getByLabel(L.report.labOrgId, { exact: true }).fill(lab.id);
      await page.getByLabel(L.report.date, { exact: true }).fill(registration.date);
      await page.locator('#clauses_impact_absorption').fill('4100');
      for (const clause of ['penetration_resistance', 'chin_strap_strength']) {
        await choose(page, page.locator(`#clauses_${clause}`), L.report.pass);
      }
      await page
        .getByLabel(L.report.pdf, { exact: true })
        .setInputFiles({ name: 'type-test.pdf', mimeType: 'application/pdf', buffer: pdf });
      await page.getByRole('button', { name: L.report.submit }).click();

      await page.getByText(L.report.verdicts.mismatched).waitFor();
      const impactTitle = language === 'en' ? 'Impact absorption' : '冲击吸收性能';
      const impactRow = page.getByRole('row').filter({ hasText: impactTitle }).first();
      await impactRow.getByText(L.report.altered, { exact: true }).waitFor();
      await expect.poll(() => impactRow.textContent()).toContain('4100 N');
      expect(await impactRow.textContent()).toContain('3850 N');
      const penetrationRow = page
        .getByRole('row')
        .filter({ hasText: language === 'en' ? 'Penetration resistance' : '耐穿刺性能' });
      await penetrationRow.getByText(L.report.same, { exact: true }).waitFor();
      const attached = await api<{ verdict: string; differences: { kind: string; clause?: string }[] }>(
        `/v1/products/${gtin}/test-reports`,
      );
      expect(attached.verdict).toBe('mismatched');
      expect(attached.differences).toEqual([expect.objectContaining({ kind: 'clause_altered', clause: 'impact_absorption' })]);
      expect(helmetClauses()[0]).toMatchObject({ clause: 'impact_absorption', value: 3850 });
      await impactRow.scrollIntoViewIfNeeded();
      await shootScreen(page, 'console', 'factory-product-report', language);

      // The PDF, as the lab registered it.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: L.report.download }).click(),
      ]);
      const downloaded = await readFile((await download.path()) ?? '');
      expect(downloaded.equals(pdf)).toBe(true);

      // The listing: both products, each with its lots.
      await page.getByRole('button', { name: L.product.back }).click();
      await page.getByRole('heading', { level: 1, name: L.products.title }).waitFor();
      const row = page.getByRole('row').filter({ hasText: gtin });
      await row.getByRole('link', { name: editedName }).waitFor();
      await page
        .getByRole('row')
        .filter({ hasText: language === 'en' ? 'KN95 dust respirator' : '防尘口罩 KN95' })
        .first()
        .waitFor();
      await shootScreen(page, 'console', 'factory-products', language);
      expectOnlyOwnRequests(requests, service.url);
    }, 180_000);
  }
});
