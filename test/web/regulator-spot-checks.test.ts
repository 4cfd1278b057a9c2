import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { issueUnits } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';
import { getDraw } from '../support/spot-checks';

/**
 * A provincial inspector runs a double-random spot check from the console: registers the
 * inspectors, commits with a secret the browser made (shown once), fixes the population,
 * reveals with the secret the tab kept, records a failed result and recalls the lot; then
 * sees the recall and the province's scans. The factory sees the recall of its lot.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();

const ZHEJIANG_CITIES = ['Hangzhou', 'Ningbo', 'Hangzhou', 'Wenzhou', 'Hangzhou'];

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe('spot checks in the console', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`takes a draw from commitment to reveal, a failed result and the lot's recall, in ${language}`, async () => {
      const en = language === 'en';
      // One province per language, so each draw's population is its own factory's lot.
      const province = en ? 'CN-JS' : 'CN-ZJ';
      const regulator = await registerOrg(service, 'regulator', adminToken, {
        name: en ? 'Jiangsu Market Regulation' : '浙江省市场监督管理局',
        region: `${province} ${en ? 'Nanjing' : 'Hangzhou'}`,
      });
      const { factory, gtin } = await factoryWithProduct(service, adminToken, {
        name: en ? 'Suzhou Guardline PPE Co.' : '宁波安盾防护用品有限公司',
        region: `${province} ${en ? 'Suzhou' : 'Ningbo'}`,
      });
      const lot = `SC${language === 'en' ? 'E' : 'Z'}${Date.now() % 1e6}`;
      const codes = await issueUnits(service, factory.token, gtin, lot, 5);
      for (const [index, code] of codes.entries()) {
        const answer = await fetch(code, {
          headers: {
            accept: 'application/json',
            'CloudFront-Viewer-Country': 'CN',
            'CloudFront-Viewer-Country-Region': province.slice(3),
            'CloudFront-Viewer-City': en ? 'Nanjing' : (ZHEJIANG_CITIES[index] ?? 'Hangzhou'),
          },
        });
        expect(answer.status).toBe(200);
      }
      await service.runtime.flushScans();

      const person = await addPerson(service, { orgId: regulator.id, role: 'regulator', name: '赵抽检' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, {
        language,
        path: '/regulator/spot-checks',
      });
      for (const name of en ? ['Chen Ming', 'Li Hua'] : ['陈明', '李华']) {
        await page.getByLabel(en ? 'Name' : '姓名', { exact: true }).fill(name);
        await page.getByRole('button', { name: en ? 'Register inspector' : '登记检查人员' }).click();
        await page.getByRole('checkbox', { name }).waitFor();
      }
      await shootScreen(page, 'console', 'regulator-spot-checks', language);

      await page.getByRole('button', { name: en ? 'Make a secret and commit' : '生成密钥并提交承诺' }).click();
      const shown = page.locator('code').filter({ hasText: /^[0-9a-f]{64}$/ });
      await shown.waitFor();
      const secret = ((await shown.textContent()) ?? '').trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      await shootScreen(page, 'console', 'regulator-spot-check-secret', language);
      await page.getByRole('button', { name: en ? 'I saved it, continue' : '我已保存，继续' }).click();

      const drawId = new URL(page.url()).pathname.split('/').pop() ?? '';
      // Only the commitment left the browser: the published draw names the secret's SHA-256, not the secret.
      const committed = await getDraw(service, drawId);
      expect(committed).toMatchObject({
        status: 'committed',
        commitment: createHash('sha256').update(Buffer.from(secret, 'hex')).digest('hex'),
      });
      expect(committed.secret).toBeUndefined();

      await page.getByRole('button', { name: en ? 'Fix the population' : '固定抽取范围' }).click();
      const secretField = page.getByLabel(en ? 'Reveal secret' : '揭晓密钥');
      await secretField.waitFor();
      expect(await secretField.inputValue()).toBe(secret);
      await page.getByRole('button', { name: en ? 'Reveal' : '揭晓抽取结果', exact: true }).click();
      const target = page.getByRole('row').filter({ hasText: en ? `GTIN ${gtin} · lot ${lot}` : `GTIN ${gtin} · 批次 ${lot}` });
      await target.waitFor();

      await page.getByLabel(en ? 'Result' : '抽检结果', { exact: true }).click();
      await page.locator(`.ant-select-item-option[title="${en ? 'Fail' : '不合格'}"]`).click();
      await page.getByLabel(en ? 'Test report reference' : '检验报告编号').fill('ZJQI-2026-0418');
      await page.getByRole('button', { name: en ? 'Record' : '录入', exact: true }).click();
      await target.getByText(en ? 'Fail' : '不合格').waitFor();
      await shootScreen(page, 'console', 'regulator-spot-check-draw', language);

      await target.getByRole('button', { name: en ? 'Recall the lot' : '召回该批次' }).click();
      await page
        .getByRole('tooltip')
        .getByRole('button', { name: en ? 'Recall the lot' : '召回该批次' })
        .click();
      await page.getByText(en ? 'The lot is recalled' : '已召回该批次').waitFor();

      const drawn = await getDraw(service, drawId);
      expect(drawn).toMatchObject({ status: 'drawn', secret, targets: [`${gtin}:${lot}`] });
      expect(drawn.results).toEqual([expect.objectContaining({ target: `${gtin}:${lot}`, result: 'fail', n: 0 })]);
      // The lot's recall is recorded: the EPCIS query answers it to the regulator.
      const recallEvents = async () => {
        const classes: unknown[] = [];
        let next: string | undefined = '/v1/epcis/events?EQ_disposition=recalled';
        while (next !== undefined) {
          const res = await service.call('GET', next, { token: regulator.token });
          expect(res.status).toBe(200);
          const body = (await res.json()) as {
            epcisBody: { queryResults: { resultsBody: { eventList: { quantityList?: { epcClass: string }[] }[] } } };
          };
          classes.push(...body.epcisBody.queryResults.resultsBody.eventList.map((event) => event.quantityList?.[0]?.epcClass));
          const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
          next = link === undefined ? undefined : `${new URL(link, service.url).pathname}${new URL(link, service.url).search}`;
        }
        return classes;
      };
      expect(await recallEvents()).toEqual([`https://id.gs1.org/01/${gtin}/10/${lot}`]);

      await page.getByRole('link', { name: en ? 'Recalls' : '召回', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en ? 'Recalls' : '召回' }).waitFor();
      await page
        .getByRole('row')
        .filter({ hasText: en ? `lot ${lot}` : `批次 ${lot}` })
        .waitFor();
      await shootScreen(page, 'console', 'regulator-recalls', language);

      await page.getByRole('link', { name: en ? 'Scans by region' : '扫码分布', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en ? 'Scans by region' : '扫码分布' }).waitFor();
      await page.getByRole('cell', { name: en ? 'Nanjing, Jiangsu' : '浙江省杭州市' }).waitFor();
      await shootScreen(page, 'console', 'regulator-scans', language);
      expectOnlyOwnRequests(requests, service.url);

      // The factory sees the recall of its lot beside the reports about its products.
      const manager = await addPerson(service, { orgId: factory.id, role: 'factory', name: '周质量' });
      const seen = await signInToConsole(await chromium.get(), service.url, manager, { language, path: '/factory/reports' });
      await seen.page
        .getByRole('row')
        .filter({ hasText: en ? `lot ${lot}` : `批次 ${lot}` })
        .waitFor();
      await shootScreen(seen.page, 'console', 'factory-reports', language);
      expectOnlyOwnRequests(seen.requests, service.url);
    });
  }
});
