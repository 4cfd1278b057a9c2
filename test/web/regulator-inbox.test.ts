import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { fileReport } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';
import { reporterIn } from '../support/reporter-addresses';

/**
 * A provincial inspector works a counterfeit report from the console's inbox: the report a
 * member of the public filed (with a photo) is listed, opened with its photo shown from the
 * API's short-lived link, moved to "investigating" with a note, and the API then holds it.
 */
let service: TestService;
let adminToken: string;
let regulator: { id: string; token: string };
const chromium = browserForFile();

/** A photo a person can recognise in the screenshot: orange and grey bands, 320×240. */
const bandedPhoto = (): string => {
  const png = new PNG({ width: 320, height: 240 });
  for (let y = 0; y < 240; y++) {
    for (let x = 0; x < 320; x++) {
      const at = (y * 320 + x) * 4;
      const band = Math.floor(y / 40) % 2 === 0;
      png.data[at] = band ? 240 : 120;
      png.data[at + 1] = band ? 140 : 120;
      png.data[at + 2] = band ? 20 : 120;
      png.data[at + 3] = 255;
    }
  }
  return PNG.sync.write(png).toString('base64');
};

interface InboxDetail {
  entry: { status: string; version: number };
  photos?: { url: string }[];
  history: { from: string; to: string; note?: string; by: { orgId: string } }[];
}

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  regulator = await registerOrg(service, 'regulator', adminToken, { name: '广东省市场监督管理局', region: 'CN-GD Guangzhou' });
  await factoryWithProduct(service, adminToken, { name: '深圳安盾防护用品有限公司', region: 'CN-GD Shenzhen' });
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe("the regulator's inbox in the console", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`shows a public report with its photo and records a status change with a note, in ${language}`, async () => {
      const place = language === 'en' ? 'Huaqiangbei market, stall 3F-22' : '华强北电子市场 3F-21 档口';
      const reference = await fileReport(service, reporterIn('CN-GD'), {
        city: language === 'en' ? 'Shenzhen' : '深圳',
        place,
        description:
          language === 'en'
            ? 'The helmet shell is thin and the label print is blurred.'
            : '安全帽壳体偏薄，标签印刷模糊，疑似假冒。',
        contact: '138 0000 0000',
        photos: [bandedPhoto()],
      });
      const person = await addPerson(service, { orgId: regulator.id, role: 'regulator', name: '李监管' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, {
        language,
        path: '/regulator/inbox',
      });
      const en = language === 'en';
      const row = page.getByRole('row').filter({ hasText: place });
      await row.waitFor();
      await row.getByText(en ? 'New' : '待处理').waitFor();
      await shootScreen(page, 'console', 'regulator-inbox', language);

      await row.getByRole('link').click();
      await page.getByText(reference).waitFor();
      const photo = page.getByRole('img', { name: en ? `Photo 1 of report ${reference}` : `举报 ${reference} 的第 1 张照片` });
      // The photo is shown, not just linked: the browser loaded its bytes from the API's link.
      await expect
        .poll(() =>
          photo.evaluate(
            (img) =>
              (img as { complete: boolean; naturalWidth: number }).complete && (img as { naturalWidth: number }).naturalWidth,
          ),
        )
        .toBe(320);
      await page.getByText('138 0000 0000').waitFor();

      const note = en ? 'Inspectors sent to the market stall.' : '已派执法人员赴现场核查。';
      await page.getByLabel(en ? 'Note' : '处理意见').fill(note);
      await page.getByRole('button', { name: en ? 'Apply' : '提交办理' }).click();
      await page.getByText(en ? 'New → Investigating' : '待处理 → 核查中').waitFor();
      await page.getByText(en ? `Note: ${note}` : `处理意见：${note}`).waitFor();
      await shootScreen(page, 'console', 'regulator-inbox-entry', language);

      const held = await service.call('GET', `/v1/inbox/report/${reference}`, { token: regulator.token });
      expect(held.status).toBe(200);
      const detail = (await held.json()) as InboxDetail;
      expect(detail.entry).toMatchObject({ status: 'investigating', version: 1 });
      expect(detail.history).toEqual([
        expect.objectContaining({ from: 'new', to: 'investigating', note, by: expect.objectContaining({ orgId: regulator.id }) }),
      ]);

      // The photo came from the link the API handed (the gateway's signed photo path), nothing else did.
      const photoRequests = requests.filter((url) => url.pathname.startsWith('/local-report-photos/'));
      expect(photoRequests.length).toBeGreaterThan(0);
      expect(photoRequests.every((url) => url.searchParams.has('sig') && url.origin === new URL(service.url).origin)).toBe(true);
      expectOnlyOwnRequests(
        requests.filter((url) => !url.pathname.startsWith('/local-report-photos/')),
        service.url,
      );
    });
  }
});
