import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshLicense, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * The service's administrator registers a factory through the console's form (names in both
 * languages, licence, province and city, GS1 company prefix); the API then holds it as typed.
 */
let service: TestService;
let adminToken: string;
let adminOrgId: string;
const chromium = browserForFile();

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
  adminOrgId = (await registerOrg(service, 'admin', adminToken, { name: '平台运营中心', region: 'CN' })).id;
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe('registering organizations in the console', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`registers a factory from the form, and the API holds it, in ${language}`, async () => {
      const en = language === 'en';
      const person = await addPerson(service, { orgId: adminOrgId, role: 'admin', name: '赵管理' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });
      await page.getByRole('link', { name: en ? 'Organizations' : '企业登记', exact: true }).click();
      await page
        .getByRole('heading', { level: 1, name: en ? 'Organizations and service health' : '企业登记与平台状态' })
        .waitFor();
      await page.getByText(en ? 'No tree head signed yet' : '尚未签发审计树头').waitFor();
      const license = freshLicense();
      const name = `合肥安全帽厂${language}`;
      await page.getByLabel(en ? 'Name (Chinese)' : '企业名称（中文）').fill(name);
      await page.getByLabel(en ? 'Name (English)' : '企业名称（英文）').fill(`Hefei Helmet Works ${language}`);
      await page.getByLabel(en ? 'Business licence number' : '统一社会信用代码 / 营业执照号').fill(license);
      await page.getByLabel(en ? 'Province' : '所在省份').fill(en ? 'Anhui' : '安徽');
      await page.keyboard.press('Enter');
      // The province's list has closed (a loaded machine may still be animating it away).
      await expect.poll(() => page.getByRole('listbox').count(), { timeout: 60_000 }).toBe(0);
      await page.getByLabel(en ? 'City' : '所在城市').fill('Hefei');
      await page.getByLabel(en ? 'GS1 company prefix' : 'GS1 厂商识别代码').fill(en ? '69312345' : '69312346');
      await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
      await shootScreen(page, 'console', 'admin-organizations', language);
      await page.getByRole('button', { name: en ? 'Register' : '登记', exact: true }).click();
      const registered = page.getByText(
        en ? `Registered: ${name} (Factory, Hefei, Anhui)` : `已登记：${name}（生产企业，安徽省合肥市）`,
      );
      await registered.waitFor();
      const id = ((await page.getByText(en ? /Organization id: / : /企业编号：/).textContent()) ?? '').replace(/^.*[:：]\s*/, '');
      const res = await service.call('GET', `/v1/orgs/${id}`, { token: adminToken });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        name,
        names: { zh: name, en: `Hefei Helmet Works ${language}` },
        role: 'factory',
        region: 'CN-AH Hefei',
        licenseNumber: license,
        gs1CompanyPrefix: en ? '69312345' : '69312346',
      });
      expectOnlyOwnRequests(requests, service.url);
    });
  }
});
