import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { DESK, expectOnlyOwnRequests, PHONE, shootScreen, signInToConsole } from '../support/console';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { fakeCameraArgs, writeQrVideo } from '../support/fake-camera';
import { freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson } from '../support/people';

/**
 * A warehouse clerk receives by scanning, on a phone: Chromium's camera is a video of a
 * shipped unit's QR label, read by ZXing-C++ (the barcode-detector polyfill, its .wasm
 * served from the console's own assets), counted once however many frames show it, then
 * received through the API; the unit then shows in stock under its product's name.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();
let distributor: { id: string; token: string };
let lot: string;
/** The label in front of the camera, and another shipped one typed by hand. */
let onCamera: string;
let typed: string;

type Held = { items: { kind: string; gtin?: string; serial?: string; lot?: string; status: string }[] };
const serialOf = (uri: string) => new URL(uri).pathname.split('/')[6];

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  const factory = await registerOrg(service, 'factory', adminToken, { name: '合肥安全帽厂', region: 'CN-AH Hefei' });
  distributor = await registerOrg(service, 'distributor', adminToken, { name: '芜湖安达劳保用品经销部', region: 'CN-AH Wuhu' });
  const gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token: factory.token,
    body: { ...productBody(gtin), names: { zh: '全身式安全带', en: 'Full-body safety harness' } },
  });
  expect(product.status).toBe(201);
  lot = `L${Date.now() % 1e6}`;
  const [first = '', second = ''] = await issueUnits(service, factory.token, gtin, lot, 2);
  [onCamera, typed] = [first, second];
  const shipped = await postEvents(service, factory.token, [
    custodyEvent('shipping', { epcs: [onCamera, typed], destination: distributor.id }),
  ]);
  expect(shipped.status).toBe(200);
  const video = await writeQrVideo(join(await mkdtemp(join(tmpdir(), 'traceseal-camera-')), 'label.y4m'), onCamera);
  chromium.start({ extraArgs: fakeCameraArgs(video) });
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

const held = async (): Promise<Held> =>
  (await (await service.call('GET', '/v1/inventory', { token: distributor.token })).json()) as Held;

describe('receiving by scanning', () => {
  it('reads a shipped label with the camera, counts it once, receives it, and shows it in stock by name (zh-CN, phone)', async () => {
    const clerk = await addPerson(service, { orgId: distributor.id, role: 'distributor', name: '李仓管' });
    const { page, requests } = await signInToConsole(await chromium.get(), service.url, clerk, {
      language: 'zh-CN',
      viewport: PHONE,
      path: '/distributor/receive',
    });
    await page.getByRole('heading', { level: 1, name: '扫码收货' }).waitFor();
    await page.getByRole('button', { name: '打开摄像头' }).click();
    await expect.poll(() => page.getByTestId('scan-count').textContent(), { timeout: 30_000 }).toBe('1');
    await page.getByText(`全身式安全带 · 批次 ${lot} · 单品 ${serialOf(onCamera)}`).waitFor();
    await page.getByText('发货方：合肥安全帽厂').waitFor();
    await shootScreen(page, 'console', 'distributor-receive-scanned', 'zh-CN');

    await page.getByRole('button', { name: '确认收货（1）' }).click();
    await page.getByRole('status').getByText('已收货 1 个，共 1 个').waitFor();
    await page.getByText('已收货', { exact: true }).waitFor();
    // Many frames showed the label meanwhile: it still counts once.
    expect(await page.getByTestId('scan-count').textContent()).toBe('1');
    await shootScreen(page, 'console', 'distributor-receive', 'zh-CN');
    expect((await held()).items).toEqual([
      expect.objectContaining({ kind: 'unit', serial: serialOf(onCamera), lot, status: 'held' }),
    ]);

    await page.setViewportSize(DESK);
    await page.getByRole('link', { name: '库存' }).click();
    await page.getByRole('heading', { level: 1, name: '库存' }).waitFor();
    await page.getByRole('cell', { name: `全身式安全带 · 批次 ${lot} · 单品 ${serialOf(onCamera)}` }).waitFor();
    await page.getByRole('cell', { name: '在库' }).waitFor();

    // The decoder's WebAssembly came from the console's own assets, nothing from a CDN.
    expect(requests.some((url) => /^\/console\/assets\/[^/]+\.wasm$/.test(url.pathname))).toBe(true);
    expectOnlyOwnRequests(requests, service.url);
  });

  it('receives what may be received and refuses the rest, each with its reason in words (en, phone)', async () => {
    const clerk = await addPerson(service, { orgId: distributor.id, role: 'distributor', name: 'Li Warehouse' });
    const { page, requests } = await signInToConsole(await chromium.get(), service.url, clerk, {
      language: 'en',
      viewport: PHONE,
      path: '/distributor/receive',
    });
    await page.getByRole('heading', { level: 1, name: 'Receive by scanning' }).waitFor();
    await page.getByRole('button', { name: 'Open the camera' }).click();
    await expect.poll(() => page.getByTestId('scan-count').textContent(), { timeout: 30_000 }).toBe('1');
    // The second label typed by hand, then the camera's label typed again: ignored.
    const field = page.getByRole('textbox', { name: "Type or paste a label's code" });
    await field.fill(typed);
    await field.press('Enter');
    await field.fill(onCamera);
    await field.press('Enter');
    await field.fill('https://example.com/not-a-code');
    await field.press('Enter');
    await page.getByText('That is not a TraceSeal unit, case or pallet code').waitFor();
    expect(await page.getByTestId('scan-count').textContent()).toBe('2');

    await page.getByRole('button', { name: 'Receive (2)' }).click();
    await page.getByRole('status').getByText('1 of 2 received').waitFor();
    // The camera's label was received in the first test: it is no longer on its way.
    await page.getByText('It is not on its way (already received, or never shipped)').waitFor();
    await page.getByText(`Full-body safety harness · lot ${lot} · unit ${serialOf(typed)}`).waitFor();
    await page.getByRole('button', { name: 'Close the camera' }).click();
    await shootScreen(page, 'console', 'distributor-receive', 'en');
    expect((await held()).items.map((item) => item.serial).sort()).toEqual([serialOf(onCamera), serialOf(typed)].sort());
    expectOnlyOwnRequests(requests, service.url);
  });
});
