import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * A factory's quality manager issues lots from the console: a small lot with its PDF label
 * sheets (downloaded, previewed, a misprint voided), and a lot large enough to run as a job,
 * whose progress the screen follows until it is done.
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

const NAMES = { zh: '全身式安全带', en: 'Full-body harness' };

beforeAll(async () => {
  chromium.start();
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await registerOrg(service, 'factory', adminToken, { name: '合肥安全帽厂', region: 'CN-AH Hefei' });
  gtin = freshGtin();
  const res = await service.call('POST', '/v1/products', { token: factory.token, body: { ...productBody(gtin), names: NAMES } });
  expect(res.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

interface ListedBatch {
  id: string;
  lot: string;
  count: number;
  status: string;
  product?: { name: string; names?: { zh?: string; en?: string } };
}
/**
 * The console's own requests, less the label files: those are the links the API handed out
 * for them (locally the gateway's stand-in for S3's presigned GETs, on the same origin).
 */
const withoutLabelFiles = (requests: readonly URL[]): URL[] =>
  requests.filter((url) => !url.pathname.startsWith('/local-labels/'));

const batchesOfFactory = async (): Promise<ListedBatch[]> => {
  const res = await service.call('GET', '/v1/batches', { token: factory.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { batches: ListedBatch[] }).batches;
};

describe("a factory's lots in the console", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    const en = language === 'en';
    it(`issues a small lot with PDF labels, downloads and previews the PDF and voids a misprint, in ${language}`, async () => {
      const person = await addPerson(service, { orgId: factory.id, role: 'factory', name: '王质量' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, { language });
      await page.getByRole('link', { name: en ? 'Lots and codes' : '批次与赋码' }).click();
      await page.getByRole('heading', { level: 1, name: en ? 'Lots and codes' : '批次与赋码' }).waitFor();

      const lot = `L-${language}-${Date.now() % 100_000}`;
      await page.getByRole('button', { name: en ? 'Issue a lot' : '新建批次赋码' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(en ? 'Product GTIN' : '产品 GTIN').fill(gtin);
      await dialog.getByLabel(en ? 'Lot' : '批号', { exact: true }).fill(lot);
      await dialog.getByLabel(en ? 'Units to issue' : '赋码数量（件）').fill('12');
      // PDF label sheets are ticked by default: a lot with label files runs as a job.
      await expect
        .poll(() => dialog.getByRole('checkbox', { name: en ? 'PDF label sheets' : 'PDF 标签页' }).isChecked())
        .toBe(true);
      await dialog
        .getByText(en ? 'This lot is issued as a background job' : '本批次将作为后台任务赋码', { exact: false })
        .waitFor();
      // The dialog's opening animation over: axe reads its colours at full opacity.
      await expect.poll(() => dialogOpacity(page)).toBe('1');
      await shootScreen(page, 'console', 'factory-lot-issue', language);
      await dialog.getByRole('button', { name: en ? 'Issue' : '开始赋码', exact: true }).click();

      // The lot's page follows the job to its end, then offers the files and the preview.
      await page.getByRole('heading', { level: 1, name: en ? `Lot ${lot}` : `批次 ${lot}` }).waitFor();
      await page.getByText(en ? 'Done' : '已完成', { exact: true }).waitFor({ timeout: 60_000 });
      await page.getByText(en ? '12 of 12 unit codes signed, 0 to go' : '已签发 12 / 12 个单品码，剩余 0 个').waitFor();
      const pdfLink = page.getByRole('link', { name: new RegExp(en ? '^PDF label sheets \\(' : '^PDF 标签页（') });
      const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
      const bytes = await readFile(await download.path());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const preview = page.getByRole('img', {
        name: en ? "Page 1 of this lot's PDF label sheets" : '本批次 PDF 标签页第 1 页的预览',
      });
      await preview.waitFor({ timeout: 60_000 });
      expect(await preview.getAttribute('src')).toMatch(/^blob:/);
      // The preview is a drawn page, not an empty image.
      await expect
        .poll(() => preview.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
        .toBeGreaterThan(400);
      await preview.scrollIntoViewIfNeeded();
      // The pointer off the preview, so the shot shows the sheet rather than its zoom mask.
      await page.mouse.move(0, 0);
      await shootScreen(page, 'console', 'factory-lot', language);

      // Void the first label as a misprint; the public verify route then says so.
      const listed = (await batchesOfFactory()).find((batch) => batch.lot === lot);
      expect(listed?.product?.names).toEqual(NAMES);
      const csv = await service.call('GET', `/v1/batches/${listed?.id}/codes?format=csv`, { token: factory.token });
      const [, firstRow = ''] = (await csv.text()).trim().split('\n');
      const [, , serial = '', , uri = ''] = firstRow.split(',');
      await page.getByLabel(en ? 'Unit serials' : '单品序列号').fill(serial);
      await page.getByRole('button', { name: en ? 'Void' : '作废', exact: true }).click();
      await page.getByText(en ? '1 voided, 0 refused' : '已作废 1 个，未能作废 0 个').waitFor();
      const verdict = await fetch(uri, { headers: { accept: 'application/json' } });
      expect(((await verdict.json()) as { status: string }).status).toBe('voided');

      // Back on the list, the lot shows with its product's name in the reader's language.
      await page.getByRole('button', { name: en ? 'Back' : '返回', exact: true }).click();
      const row = page.getByRole('row').filter({ hasText: lot });
      await row.getByText(en ? NAMES.en : NAMES.zh).waitFor();
      await row.getByText(en ? 'Issued' : '已赋码').waitFor();
      await shootScreen(page, 'console', 'factory-lots', language);
      expectOnlyOwnRequests(withoutLabelFiles(requests), service.url);
    });
  }

  it('issues a lot too large to sign within the call as a job, and follows its progress to the end', async () => {
    const person = await addPerson(service, { orgId: factory.id, role: 'factory' });
    const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, {
      language: 'en',
      path: '/lots',
    });
    const lot = `BIG-${Date.now() % 100_000}`;
    await page.getByRole('button', { name: 'Issue a lot' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Product GTIN').fill(gtin);
    await dialog.getByLabel('Lot', { exact: true }).fill(lot);
    await dialog.getByLabel('Units to issue').fill('10001');
    await dialog.getByRole('checkbox', { name: 'PDF label sheets' }).uncheck();
    await dialog.getByText('This lot is issued as a background job', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Issue', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: `Lot ${lot}` }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Issuing progress' });
    await bar.waitFor();
    await page.getByText('Done', { exact: true }).waitFor({ timeout: 120_000 });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('10,001 of 10,001 unit codes signed, 0 to go').waitFor();
    // What the API holds: the lot issued in full.
    const listed = (await batchesOfFactory()).find((batch) => batch.lot === lot);
    expect(listed).toMatchObject({ count: 10_001, status: 'issued' });
    expectOnlyOwnRequests(requests, service.url);
  });
});
