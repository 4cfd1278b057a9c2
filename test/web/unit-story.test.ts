import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScans } from '#shared/scans/services/scan-aggregator';
import { minutesFrom, SHENZHEN, scanStream, unitOf } from '../support/anomalies';
import { browserForFile } from '../support/browser';
import { expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { custodyEvent, issueContainer, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';
import { freshViewer, listReports, postJson, reportFields } from '../support/reports';

/**
 * A unit's story on one screen: a helmet shipped to a distributor, received and packed into
 * the distributor's case, then scanned too often and reported. Its factory sees the verdict,
 * the custody, the scans, the alert and the report (the distributor's case is not its to read);
 * the distributor sees the verdict and the custody with its case, and "not visible to you"
 * for the factory's alerts, reports and scan figures.
 */
let service: TestService;
const chromium = browserForFile();
let factoryId: string;
let distributorId: string;
let distributorName: string;
let unitUri: string;
let caseSscc: string;
let factoryToken: string;

beforeAll(async () => {
  chromium.start();
  const started = await startTestServiceWithAdmin();
  service = started.service;
  const { factory, gtin } = await factoryWithProduct(service, started.adminToken, {
    name: '合肥安全帽厂',
    region: 'CN-AH Hefei',
  });
  factoryId = factory.id;
  distributorName = '芜湖劳保用品商行';
  const distributor = await registerOrg(service, 'distributor', started.adminToken, {
    name: distributorName,
    region: 'CN-AH Wuhu',
  });
  distributorId = distributor.id;
  const [unit, other] = await issueUnits(service, factory.token, gtin, 'LOT-2026-11', 2);
  if (unit === undefined || other === undefined) throw new Error('no units');
  unitUri = unit;
  // Shipped to the distributor, received there, then packed into the distributor's case.
  const shipped = await postEvents(service, factory.token, [
    custodyEvent('shipping', { epcs: [unit, other], destination: distributorId }),
  ]);
  expect(shipped.results.map((result) => result.status)).toEqual(['recorded']);
  const caseUri = await issueContainer(service, distributor.token, 'case');
  caseSscc = new URL(caseUri).pathname.split('/')[2] ?? '';
  const received = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [unit, other] }, 1000)]);
  expect(received.results.map((result) => result.status)).toEqual(['recorded']);
  const packed = await postEvents(service, distributor.token, [
    custodyEvent('packing', { parent: caseUri, children: [unit, other] }, 2000),
  ]);
  expect(packed.results.map((result) => result.status)).toEqual(['recorded']);
  // Scanned more often than the product's rule allows: two hits, suspect (three block), then
  // reported. Viewing the story is a look-up, not a scan, so the views add no hit.
  const rules = await service.call('PUT', `/v1/products/${gtin}/scan-rules`, {
    token: factory.token,
    body: { maxScans: 5 },
  });
  expect(rules.status).toBe(200);
  const scanOf = scanStream();
  const start = minutesFrom(new Date(), -120);
  await aggregateScans(Array.from({ length: 7 }, (_, i) => scanOf(unitOf(unit), SHENZHEN, minutesFrom(start, i))));
  const report = await postJson(service, { ...reportFields({ code: unit }) }, freshViewer());
  expect(report.status).toBe(202);
  factoryToken = factory.token;
}, 180_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe("a unit's story", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`shows its factory the verdict, the custody with the case, the scans, the alert and the report, in ${language}`, async () => {
      const en = language === 'en';
      // The report is filed after its answer (202): the story is opened once the factory's list holds it.
      await expect.poll(async () => (await listReports(service, factoryToken)).length).toBeGreaterThan(0);
      const person = await addPerson(service, { orgId: factoryId, role: 'factory', name: '王质量' });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, person, {
        language,
        path: `/units?code=${encodeURIComponent(unitUri)}`,
      });
      await page.getByRole('heading', { level: 1, name: en ? 'Unit history' : '单品追溯' }).waitFor();
      await page.getByText(en ? 'Genuine' : '正品', { exact: true }).waitFor();
      await page.getByText('LOT-2026-11').first().waitFor();
      // Custody: shipped by the factory, received and packed by another organization, into its case.
      await page.getByText(en ? 'Shipped · 合肥安全帽厂 → Another organization' : '发货 · 合肥安全帽厂 → 其他企业').waitFor();
      await page.getByText(en ? 'Received · Another organization' : '收货 · 其他企业').waitFor();
      await page.getByText(en ? 'Packed · Another organization' : '装箱 · 其他企业').waitFor();
      await page.getByRole('link', { name: `SSCC ${caseSscc}` }).waitFor();
      // The case is the distributor's: its own history is not the factory's to read.
      await page
        .getByText(
          en ? "Part of the case's or pallet's history is not visible to you." : '装载它的箱码或托盘的部分记录您无权查看。',
        )
        .waitFor();
      await page.getByText(en ? 'Chain intact: not altered' : '记录链完整，未被篡改').waitFor();
      // Its alert, its report and the lot's scans (chart and table).
      await page.getByRole('cell', { name: en ? 'Too many scans' : '扫码次数过多' }).waitFor();
      await page.getByRole('cell', { name: 'Helmet shell is thin and the label print is blurred.' }).waitFor();
      // The lot's scans: the seven above, exactly; opening the story asks for a verdict, never scans.
      await expect
        .poll(
          async () =>
            (await page.locator('.lot-scans tbody td:last-child').filter({ visible: true }).allTextContents()).reduce(
              (total, count) => total + Number(count),
              0,
            ),
          { timeout: 30_000 },
        )
        .toBe(7);
      await shootScreen(page, 'console', 'unit-story-factory', language);
      expectOnlyOwnRequests(requests, service.url);
    });
  }

  it('shows the distributor that held it the verdict and custody, and only says the rest is not visible', async () => {
    const person = await addPerson(service, { orgId: distributorId, role: 'distributor', name: '李仓管' });
    const { page } = await signInToConsole(await chromium.get(), service.url, person, { language: 'en' });
    // The code pasted into the field, as a clerk does.
    await page.getByRole('link', { name: 'Look up a unit' }).click();
    await page.getByLabel('Code').fill(unitUri);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText('Genuine', { exact: true }).waitFor();
    await page.getByText(`Shipped · Another organization → ${distributorName}`).waitFor();
    await page.getByText(`Received · ${distributorName}`).waitFor();
    await page.getByText(`Packed · ${distributorName}`).waitFor();
    await expect.poll(() => page.getByText('Not visible to you.').count()).toBe(3);
    await expect.poll(() => page.getByRole('cell', { name: 'Too many scans' }).count()).toBe(0);
    await shootScreen(page, 'console', 'unit-story-distributor', 'en');
  });

  it('reads a case code typed as a GS1 element string and shows what the case went through', async () => {
    const person = await addPerson(service, { orgId: distributorId, role: 'distributor' });
    const { page } = await signInToConsole(await chromium.get(), service.url, person, {
      language: 'zh-CN',
      path: `/units?code=${encodeURIComponent(`(00)${caseSscc}`)}`,
    });
    await page.getByText(`SSCC ${caseSscc}`).first().waitFor();
    await page.getByText(`装箱 · ${distributorName}`).waitFor();
    await page.getByText('此码未带标签签名（AI 8030），无法给出验证结果；请粘贴标签上的完整链接。').waitFor();
  });
});
