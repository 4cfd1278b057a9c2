import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } from '#shared/audit/services/checkpoint-service';
import { browserForFile } from '../support/browser';
import { type ConsoleLanguage, expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * A provincial regulator in the console: finds the custody events of a product by time and
 * GTIN (table and timeline, organizations by name), exports them, watches the export finish,
 * checks the downloaded files against the signed manifest in the browser, sees the check fail
 * on a file changed on its way, and signs a checkpoint.
 */
// This file's table holds only today's events: the log and the queries need not read every day since 2026.
process.env.AUDIT_LOG_START = new Date(Date.now() - 86_400_000).toISOString();
process.env.EVENTS_SINCE = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

let service: TestService;
let regulatorId: string;
let regulatorToken: string;
let gtin: string;
const chromium = browserForFile();

const WORDS = {
  'zh-CN': {
    events: 'EPCIS 事件查询',
    from: '开始时间',
    to: '结束时间',
    gtin: '产品 GTIN',
    lot: '批次',
    search: '查询',
    shipped: '发货',
    received: '收货',
    exports: '审计导出',
    start: '开始导出',
    done: '已完成',
    check: '在浏览器中核验导出',
    matches: '下载的文件与签名清单一致',
    differs: '下载的文件与签名清单不一致',
    checkpoints: '日志检查点',
    signNow: '立即追加并签名',
    signed: '已签名',
  },
  en: {
    events: 'EPCIS events',
    from: 'From',
    to: 'Until',
    gtin: 'Product GTIN',
    lot: 'Lot',
    search: 'Search',
    shipped: 'Shipped',
    received: 'Received',
    exports: 'Audit exports',
    start: 'Start export',
    done: 'Done',
    check: 'Check the export in the browser',
    matches: 'The downloaded files match the signed manifest',
    differs: 'The downloaded files do NOT match the signed manifest',
    checkpoints: 'Checkpoints',
    signNow: 'Append and sign now',
    signed: 'Signed:',
  },
} as const;

beforeAll(async () => {
  chromium.start();
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin());
  const made = await factoryWithProduct(service, adminToken, { name: '杭州安全帽厂', region: 'CN-ZJ Hangzhou' });
  gtin = made.gtin;
  const distributor = await registerOrg(service, 'distributor', adminToken, { name: '宁波劳保配送中心', region: 'CN-ZJ Ningbo' });
  const regulator = await registerOrg(service, 'regulator', adminToken, { name: '浙江省市场监督管理局', region: 'CN-ZJ' });
  regulatorId = regulator.id;
  regulatorToken = regulator.token;
  const units = await issueUnits(service, made.factory.token, gtin, 'L2026A', 3);
  const shipped = await postEvents(service, made.factory.token, [
    custodyEvent('shipping', { epcs: units, destination: distributor.id }, -60_000),
  ]);
  expect(shipped.results.map((r) => r.status)).toEqual(['recorded']);
  const received = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: units }, -30_000)]);
  expect(received.results.map((r) => r.status)).toEqual(['recorded']);
  // Sign a head that covers them (as the hourly run would once they settle), so an export proves every record.
  await appendAndCheckpoint({ source: recordedEventSource, now: new Date(Date.now() + SETTLE_MARGIN_MS + 60_000) });
}, 180_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

/** `YYYY-MM-DD HH:mm` in the page's own time zone, as the date picker reads what is typed. */
const pickerText = (page: Page, offsetMs: number): Promise<string> =>
  page.evaluate((offset) => {
    const at = new Date(Date.now() + offset);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
  }, offsetMs);

const typeDate = async (page: Page, placeholder: string, text: string) => {
  const input = page.getByPlaceholder(placeholder, { exact: true });
  await input.click();
  await input.fill(text);
  await input.press('Enter');
};

const signInAsRegulator = async (language: ConsoleLanguage) => {
  const person = await addPerson(service, { orgId: regulatorId, role: 'regulator', name: '陈监察' });
  return signInToConsole(await chromium.get(), service.url, person, { language });
};

describe("the regulator's EPCIS queries, exports and checkpoints", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`queries a product's events by time, exports them, verifies the export in the browser and catches a changed file, in ${language}`, async () => {
      const words = WORDS[language];
      const { page, requests } = await signInAsRegulator(language);

      // Events: by time and product.
      await page.getByRole('link', { name: words.events }).click();
      await page.getByRole('heading', { level: 1, name: words.events }).waitFor();
      await typeDate(page, words.from, await pickerText(page, -60 * 60_000));
      await typeDate(page, words.to, await pickerText(page, 60 * 60_000));
      await page.getByLabel(words.gtin).fill(gtin);
      await page.getByLabel(words.lot, { exact: true }).fill('L2026A');
      await page.getByRole('button', { name: words.search }).click();
      const table = page.locator('.ant-table-tbody');
      await table.getByText(words.shipped).waitFor();
      await table.getByText(words.received).waitFor();
      // Organizations by name, the product and lot as read from the codes; no URN on the screen.
      await expect.poll(() => table.getByText('杭州安全帽厂').count()).toBeGreaterThan(0);
      await table.getByText('宁波劳保配送中心', { exact: true }).first().waitFor();
      expect(await table.textContent()).toContain(gtin);
      expect(await page.locator('main').textContent()).not.toContain('urn:traceseal:org');
      const timeline = page.locator('.ant-timeline');
      await expect.poll(() => timeline.locator('.ant-timeline-item').count()).toBe(2);
      // The timeline runs oldest first: shipped, then received.
      expect((await timeline.textContent())?.indexOf(words.shipped)).toBeLessThan(
        (await timeline.textContent())?.indexOf(words.received) ?? 0,
      );
      // What the API holds for the same question is what the table shows.
      const api = await service.call('GET', `/v1/epcis/events?MATCH_epcClass=https://id.gs1.org/01/${gtin}/10/L2026A`, {
        token: regulatorToken,
      });
      const held = (await api.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } };
      expect(held.epcisBody.queryResults.resultsBody.eventList).toHaveLength(await table.locator('tr.ant-table-row').count());
      await shootScreen(page, 'console', 'regulator-events', language);

      // Export: started, watched until done, checked in the browser.
      await page.getByRole('link', { name: words.exports }).click();
      await page.getByRole('heading', { level: 1, name: words.exports }).waitFor();
      await page.getByLabel(words.gtin).fill(gtin);
      await page.getByRole('button', { name: words.start }).click();
      await page.locator('.ant-tag').getByText(words.done, { exact: true }).waitFor({ timeout: 120_000 });
      const exportId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      const job = (await (await service.call('GET', `/v1/audit/exports/${exportId}`, { token: regulatorToken })).json()) as {
        state: string;
        sha256: string;
        eventsWritten: number;
      };
      expect(job).toMatchObject({ state: 'done', eventsWritten: 2 });
      await page.getByRole('button', { name: words.check }).click();
      const verdict = page.getByRole('status').filter({ hasText: words.matches });
      await verdict.waitFor();
      // The page names the file's SHA-256 the service signed, and every check passed.
      expect(await page.locator('.ant-list').textContent()).toContain(job.sha256);
      expect(await page.locator('.ant-list .anticon-close-circle').count()).toBe(0);
      expect(await page.locator('.ant-list .anticon-check-circle').count()).toBe(7);
      await page.locator('.ant-list').scrollIntoViewIfNeeded();
      await shootScreen(page, 'console', 'regulator-export-verified', language);

      // The same check on a file changed on its way: one byte of an event flipped.
      const exportFile = (url: URL) => url.pathname.startsWith('/local-exports/') && url.pathname.endsWith('/file');
      let flipped = 0;
      await page.route(exportFile, async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        // The last digit of the product's GTIN in the first event: still JSON, no longer what was signed.
        const at = body.indexOf(gtin) + gtin.length - 1;
        expect(at).toBeGreaterThan(gtin.length);
        body[at] = body[at] === 0x30 ? 0x31 : 0x30;
        flipped++;
        await route.fulfill({ response, body });
      });
      await page.getByRole('button', { name: words.check }).click();
      await page.getByRole('status').filter({ hasText: words.differs }).waitFor();
      expect(await page.locator('.ant-list .anticon-close-circle').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.ant-list').textContent()).toContain(job.sha256);
      await page.locator('.ant-list').scrollIntoViewIfNeeded();
      await shootScreen(page, 'console', 'regulator-export-tampered', language);
      expect(flipped).toBe(1);
      await page.unroute(exportFile);

      // Checkpoints: the heads, and a new one signed now.
      await page.getByRole('link', { name: words.checkpoints }).click();
      await page.getByRole('button', { name: words.signNow }).click();
      await page.getByRole('status').filter({ hasText: words.signed }).waitFor();
      const latest = (await (await service.call('GET', '/v1/audit/checkpoints/latest')).json()) as { treeSize: number };
      await expect.poll(async () => page.locator('.ant-descriptions').first().textContent()).toContain(String(latest.treeSize));
      await page.locator('.ant-table-row').first().waitFor();
      await shootScreen(page, 'console', 'regulator-checkpoints', language);

      // The export's files come from the links the API answered; nothing else left our origin's API and console.
      const downloads = requests.filter((url) => url.pathname.startsWith('/local-exports/'));
      expect(downloads.map((url) => url.pathname.split('/').slice(2, 3)[0])).toEqual(
        Array.from({ length: downloads.length }, () => exportId),
      );
      expect(downloads.length).toBeGreaterThanOrEqual(4);
      expectOnlyOwnRequests(
        requests.filter((url) => !url.pathname.startsWith('/local-exports/')),
        service.url,
      );
    }, 240_000);
  }
});
