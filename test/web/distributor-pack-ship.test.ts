import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { type ConsoleLanguage, expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * A distributor's clerk at a desk: sees stock and what is coming by name, packs units into
 * a new case and prints its SSCC label, ships the case to a partner found by typing its
 * name, and reads the history of what passed through the warehouse.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();
let factory: { id: string; token: string };
let gtin: string;
const partners: Record<ConsoleLanguage, { id: string; token: string; name: string }> = {} as never;

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await registerOrg(service, 'factory', adminToken, { name: '合肥安全帽厂', region: 'CN-AH Hefei' });
  gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token: factory.token,
    body: { ...productBody(gtin), names: { zh: '全身式安全带', en: 'Full-body safety harness' } },
  });
  expect(product.status).toBe(201);
  for (const [language, name] of [
    ['zh-CN', '杭州安盾劳保贸易有限公司'],
    ['en', 'Hangzhou Andun PPE Trading'],
  ] as const) {
    partners[language] = { ...(await registerOrg(service, 'distributor', adminToken, { name, region: 'CN-ZJ Hangzhou' })), name };
  }
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

/** A distributor holding three units received from the factory, and two more on their way. */
const stockedDistributor = async (name: string) => {
  const distributor = await registerOrg(service, 'distributor', adminToken, { name, region: 'CN-AH Wuhu' });
  const lot = `P${Date.now() % 1e6}`;
  const units = await issueUnits(service, factory.token, gtin, lot, 5);
  const shipped = await postEvents(service, factory.token, [
    custodyEvent('shipping', { epcs: units, destination: distributor.id }),
  ]);
  expect(shipped.status).toBe(200);
  const received = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: units.slice(0, 3) }, 1)]);
  expect(received.status).toBe(200);
  return { distributor, lot, units };
};

type Listing = { items: { kind: string; containerKind?: string; childCount?: number; sscc?: string; serial?: string }[] };
const inventoryOf = async (token: string, which = 'held'): Promise<Listing> =>
  (await (await service.call('GET', `/v1/inventory?which=${which}`, { token })).json()) as Listing;

const WORDS = {
  'zh-CN': {
    inventory: '库存',
    incomingTab: '待收货（2）',
    product: '全身式安全带',
    held: '在库',
    pack: '装箱与组托',
    choose: '选择 全身式安全带',
    packButton: '装入新箱（2）',
    packed: '已装箱：箱码',
    pdf: '下载 PDF 标签',
    ship: '发货',
    partnerField: '收货单位名称',
    typed: '杭州安盾',
    chooseCase: '选择 箱码',
    shipButton: '确认发货（1）',
    shipped: (name: string) => `已向 ${name} 发出 1 个`,
    history: '流转记录',
    shippingStep: '发货',
  },
  en: {
    inventory: 'Inventory',
    incomingTab: 'Incoming (2)',
    product: 'Full-body safety harness',
    held: 'In stock',
    pack: 'Pack cases and pallets',
    choose: 'Choose Full-body safety harness',
    packButton: 'Pack into a new case (2)',
    packed: 'Packed: case',
    pdf: 'Download the PDF label',
    ship: 'Ship',
    partnerField: "Receiving organization's name",
    typed: 'Hangzhou And',
    chooseCase: 'Choose Case',
    shipButton: 'Ship (1)',
    shipped: (name: string) => `1 shipped to ${name}`,
    history: 'History',
    shippingStep: 'Shipping',
  },
} as const;

describe("a distributor's clerk at a desk", () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`sees stock by name, packs a case and prints its label, ships it to a partner chosen by name, and reads the history, in ${language}`, async () => {
      const words = WORDS[language];
      const partner = partners[language];
      const { distributor, lot } = await stockedDistributor(
        language === 'en' ? 'Wuhu Anda PPE Supply' : '芜湖安达劳保用品经销部',
      );
      const clerk = await addPerson(service, {
        orgId: distributor.id,
        role: 'distributor',
        name: language === 'en' ? 'Li' : '李仓管',
      });
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, clerk, {
        language,
        path: '/distributor/inventory',
      });

      // Inventory: three held, two incoming, by product name and lot.
      await page.getByRole('heading', { level: 1, name: words.inventory }).waitFor();
      await expect.poll(() => page.getByRole('cell', { name: words.held, exact: true }).count()).toBe(3);
      await page
        .getByRole('cell', { name: new RegExp(`^${words.product} · .*${lot}`) })
        .first()
        .waitFor();
      await shootScreen(page, 'console', 'distributor-inventory', language);
      await page.getByRole('tab', { name: words.incomingTab }).click();
      await page.getByRole('cell', { name: '合肥安全帽厂' }).first().waitFor();

      // Pack two units into a new case; its label is a download link.
      await page.getByRole('link', { name: words.pack }).click();
      await page.getByRole('heading', { level: 1, name: words.pack }).waitFor();
      const boxes = page.getByRole('checkbox', { name: new RegExp(`^${words.choose}`) });
      await expect.poll(() => boxes.count()).toBe(3);
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await page.getByRole('button', { name: words.packButton }).click();
      await page.getByRole('status').getByText(words.packed).waitFor();
      const labelLink = page.getByRole('link', { name: words.pdf });
      await shootScreen(page, 'console', 'distributor-pack', language);
      const held = await inventoryOf(distributor.token);
      const packedCase = held.items.find((item) => item.kind === 'container');
      expect(packedCase).toMatchObject({ containerKind: 'case', childCount: 2 });
      expect(held.items.filter((item) => item.kind === 'unit')).toHaveLength(1);
      const label = await fetch(new URL((await labelLink.getAttribute('href')) ?? '', service.url));
      expect(label.status).toBe(200);
      expect(
        Buffer.from(await label.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      await page
        .getByText(packedCase?.sscc ?? 'no case')
        .first()
        .waitFor();

      // Ship the case to a partner found by name.
      await page.getByRole('link', { name: words.ship, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: words.ship }).waitFor();
      await page.getByRole('combobox', { name: words.partnerField }).pressSequentially(words.typed);
      // Chosen from the suggestions with the keyboard, as a clerk typing the name would.
      await page.getByRole('option', { name: new RegExp(`^${partner.name}`) }).waitFor({ state: 'attached' });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByRole('checkbox', { name: new RegExp(`^${words.chooseCase}`) }).check();
      await page.getByRole('button', { name: words.shipButton }).click();
      await page.getByRole('status').getByText(words.shipped(partner.name)).waitFor();
      await shootScreen(page, 'console', 'distributor-ship', language);
      const atPartner = await inventoryOf(partner.token, 'incoming');
      expect(atPartner.items).toEqual([expect.objectContaining({ kind: 'container', sscc: packedCase?.sscc })]);

      // History: the shipment to the partner, by name.
      await page.getByRole('link', { name: words.history }).click();
      await page.getByRole('heading', { level: 1, name: words.history }).waitFor();
      await page.getByRole('row', { name: new RegExp(`${words.shippingStep}.*${partner.name}`) }).waitFor();
      await page
        .getByRole('cell', { name: new RegExp(`^${words.product} · `) })
        .first()
        .waitFor();
      await shootScreen(page, 'console', 'distributor-history', language);
      expectOnlyOwnRequests(requests, service.url);
    });
  }
});
