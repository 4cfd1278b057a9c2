import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';
import { CLAIMS_BEIJING, scanClaimingBeijingAndUrumqi } from '../support/viewer-location';

/**
 * A factory's quality manager reads where and when its products are scanned (charts beside
 * tables, per product and lot) and works the alerts: a unit blocked by impossible travel is
 * unblocked with a reason, which the console will not send without one.
 */
/** A dialog at full opacity (its zoom-in over): axe reads its colours right only then. */
const dialogOpacity = (page: Page): Promise<string> =>
  page
    .locator('.ant-modal')
    .last()
    .evaluate(
      (element) =>
        (globalThis as unknown as { getComputedStyle(node: unknown): { opacity: string } }).getComputedStyle(element).opacity,
    );

let service: TestService;
const chromium = browserForFile();
let factory: { id: string; token: string };
let gtin: string;
const LOT = 'L-SCAN-1';
let codes: string[];

const SHANGHAI = {
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'SH',
  'CloudFront-Viewer-City': 'Shanghai',
  'CloudFront-Viewer-Latitude': '31.2304',
  'CloudFront-Viewer-Longitude': '121.4737',
};

const scan = async (uri: string, claims: Record<string, string>) => {
  const res = await fetch(uri, { headers: { accept: 'application/json', ...claims } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
};

beforeAll(async () => {
  chromium.start();
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  factory = await registerOrg(service, 'factory', adminToken, { name: '合肥安全帽厂', region: 'CN-AH Hefei' });
  gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token: factory.token,
    body: { ...productBody(gtin), names: { zh: '全身式安全带', en: 'Full-body harness' } },
  });
  expect(product.status).toBe(201);
  const batch = await service.call('POST', '/v1/batches', {
    token: factory.token,
    body: { gtin, lot: LOT, productionDate: '2026-11-01', count: 4 },
  });
  expect(batch.status).toBe(201);
  codes = ((await batch.json()) as { codes: string[] }).codes;
  // Three scans in Shanghai and two in Beijing, by people checking their harnesses.
  await scan(codes[0] ?? '', SHANGHAI);
  await scan(codes[1] ?? '', SHANGHAI);
  await scan(codes[1] ?? '', SHANGHAI);
  await scan(codes[2] ?? '', CLAIMS_BEIJING);
  await scan(codes[2] ?? '', CLAIMS_BEIJING);
  await service.runtime.flushScans();
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

interface AlertItem {
  status: string;
  unit?: { serial: string };
  closeReason?: string;
}
const alertsOf = async (): Promise<AlertItem[]> => {
  const res = await service.call('GET', '/v1/alerts', { token: factory.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: AlertItem[] }).alerts;
};

describe("a factory's scans and alerts in the console", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    const en = language === 'en';
    it(`shows its scans by day, province and city, per product and lot, in ${language}`, async () => {
      const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });
      await page.getByRole('link', { name: en ? 'Scan statistics' : '扫码统计' }).click();
      await page.getByRole('heading', { level: 1, name: en ? 'Scan statistics' : '扫码统计' }).waitFor();
      const byProvince = page.locator('.ant-card').filter({ hasText: en ? 'Scans by province' : '各省扫码量' });
      const shanghai = byProvince.getByRole('row').filter({ hasText: en ? 'Shanghai' : '上海市' });
      await shanghai.waitFor();
      await expect.poll(() => shanghai.locator('td').last().textContent()).toBe('3');
      const beijing = byProvince.getByRole('row').filter({ hasText: en ? 'Beijing' : '北京市' });
      await expect.poll(() => beijing.locator('td').last().textContent()).toBe('2');
      const byDay = page.locator('.ant-card').filter({ hasText: en ? 'Scans by day' : '每日扫码量' });
      await expect.poll(() => byDay.locator('tbody tr').last().locator('td').last().textContent()).toBe('5');
      await byDay.getByRole('img', { name: en ? 'Scans by day' : '每日扫码量' }).waitFor();
      await shootScreen(page, 'console', 'factory-scans', language);

      // One product, then one lot: the same figures, as the API answers them for that scope.
      await page.getByLabel(en ? 'Product' : '产品', { exact: true }).click();
      // antd draws the visible options apart from its listbox for screen readers: click the drawn one.
      await page
        .locator('.ant-select-item-option')
        .filter({ hasText: en ? 'Full-body harness' : '全身式安全带' })
        .click();
      await page.getByLabel(en ? 'Lot' : '批次', { exact: true }).click();
      await page.locator('.ant-select-item-option').filter({ hasText: LOT }).click();
      await expect
        .poll(() =>
          requests.some(
            (url) =>
              url.pathname === '/v1/scans/summary' &&
              url.searchParams.get('lot') === LOT &&
              url.searchParams.get('gtin') === gtin,
          ),
        )
        .toBe(true);
      await expect.poll(() => shanghai.locator('td').last().textContent()).toBe('3');
      const lotSummary = await service.call('GET', `/v1/scans/summary?gtin=${gtin}&lot=${LOT}`, { token: factory.token });
      expect(((await lotSummary.json()) as { total: number; scope: { kind: string } }).scope.kind).toBe('lot');
      expectOnlyOwnRequests(requests, service.url);
    });
  }

  it('shows a unit blocked by impossible travel with its history and unblocks it with a reason, never without', async () => {
    const blocked = codes[3] ?? '';
    const serial = new URL(blocked).pathname.split('/')[6] ?? '';
    await scanClaimingBeijingAndUrumqi(service, blocked);
    for (const language of ['zh-CN', 'en'] as const) {
      const en = language === 'en';
      const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });
      await page.getByRole('link', { name: en ? 'Alerts' : '异常预警' }).click();
      await page.getByRole('heading', { level: 1, name: en ? 'Alerts' : '异常预警' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: serial });
      await row.getByText(en ? 'Blocked' : '已冻结').waitFor();
      await row.getByText(en ? 'Impossible travel' : '异地扫码间隔过短').waitFor();
      // Its history: the rule's hits, where it was last scanned.
      await row.getByRole('button', { name: en ? 'Expand row' : '展开行' }).click();
      await page
        .getByRole('cell', { name: en ? 'Urumqi, Xinjiang' : '新疆维吾尔自治区乌鲁木齐市' })
        .first()
        .waitFor();
      await shootScreen(page, 'console', 'factory-alerts', language);
      if (!en) {
        // The zh-CN pass shoots the dialog; the English one unblocks.
        await row.getByRole('button', { name: `解除单品 ${serial} 的冻结` }).click();
        const dialog = page.getByRole('dialog');
        // Sent empty, as often as it takes the opening dialog to take the click: each is refused here.
        await expect
          .poll(
            async () => {
              await dialog.getByRole('button', { name: '确认解除' }).click();
              return dialog.getByText('请填写解除原因').isVisible();
            },
            { timeout: 60_000 },
          )
          .toBe(true);
        // The dialog's opening animation over: axe reads its colours at full opacity.
        await expect.poll(() => dialogOpacity(page)).toBe('1');
        await shootScreen(page, 'console', 'factory-unblock', language);
        await dialog.getByRole('button', { name: '取消' }).click();
        await dialog.waitFor({ state: 'hidden' });
        // Nothing was sent without a reason: the unit is still blocked.
        expect((await alertsOf()).filter((alert) => alert.unit?.serial === serial && alert.status === 'open')).not.toEqual([]);
      } else {
        await row.getByRole('button', { name: `Unblock unit ${serial}` }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Reason').fill('Checked genuine: the scans were our own travelling inspector.');
        await dialog.getByRole('button', { name: 'Unblock', exact: true }).click();
        await dialog.waitFor({ state: 'hidden' });
        await row.getByText('Cleared').waitFor();
        await page.getByText('Unblocked: Checked genuine: the scans were our own travelling inspector.').first().waitFor();
        const closed = (await alertsOf()).filter((alert) => alert.unit?.serial === serial);
        expect(closed.map((alert) => [alert.status, alert.closeReason])).toEqual(
          closed.map(() => ['closed', 'Checked genuine: the scans were our own travelling inspector.']),
        );
        const verdict = await fetch(blocked, { method: 'HEAD' });
        expect(verdict.status).toBe(200);
      }
      expectOnlyOwnRequests(requests, service.url);
    }
  });
});
