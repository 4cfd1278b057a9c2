import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REPORT_MESSAGES } from '#shared/verification/http/test-report-section';
import { registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { attach, helmetClauses, helmetFactory, issueLot, labReportBody, registerLab, samplePdf } from '../support/test-reports';

let service: TestService;
let adminToken: string;
let lab: { id: string; token: string };

interface ScanReport {
  testReport?: { verdict: string; scope?: string; lab?: string; date?: string; keyClauses: { clause: string; value?: number }[] };
}

const scanJson = async (uri: string) =>
  (await (await fetch(uri, { headers: { accept: 'application/json' } })).json()) as ScanReport;
const scanPage = async (uri: string, lang: 'zh-CN' | 'en') =>
  (await fetch(`${uri}&lang=${lang}`, { headers: { accept: 'text/html', 'accept-language': lang } })).text();

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  lab = await registerLab(service, adminToken);
});
afterAll(async () => {
  await service?.stop();
});

describe('what a scan says of the test report', () => {
  it('shows a verified type test with its lab, date and key clauses, in both languages', async () => {
    const factory = await helmetFactory(service, adminToken);
    const pdf = samplePdf('scan genuine');
    const body = labReportBody(factory, pdf);
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body })).status).toBe(201);
    await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number: body.number, labOrgId: lab.id }, pdf);
    const { codes } = await issueLot(service, factory, `V${Date.now() % 1e6}`);
    const uri = codes[0] ?? '';
    const result = await scanJson(uri);
    expect(result.testReport).toMatchObject({ verdict: 'verified', scope: 'product', date: '2026-03-15' });
    expect(result.testReport?.lab).toMatch(/^Test lab/);
    expect(result.testReport?.keyClauses.map((c) => c.clause)).toEqual(['impact_absorption', 'penetration_resistance']);
    const zh = await scanPage(uri, 'zh-CN');
    expect(zh).toContain('data-test-report="verified"');
    expect(zh).toContain('冲击吸收性能');
    const en = await scanPage(uri, 'en');
    expect(en).toContain(TEST_REPORT_MESSAGES.en.verified(result.testReport?.lab ?? '', '2026-03-15'));
  });

  it("marks a lot whose batch report was forged red, while the product's other lots stay verified", async () => {
    const factory = await helmetFactory(service, adminToken);
    const pdf = samplePdf('scan batch');
    const body = labReportBody(factory, pdf);
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body })).status).toBe(201);
    await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number: body.number, labOrgId: lab.id }, pdf);
    const forgedLot = await issueLot(service, factory, `F${Date.now() % 1e6}`);
    const clauses = helmetClauses().map((c) => (c.clause === 'impact_absorption' ? { ...c, value: 3000 } : c));
    await attach(service, factory.token, `/v1/batches/${forgedLot.id}`, { number: body.number, labOrgId: lab.id, clauses }, pdf);
    const forgedUri = forgedLot.codes[0] ?? '';
    expect((await scanJson(forgedUri)).testReport).toMatchObject({ verdict: 'mismatched', scope: 'batch' });
    const page = await scanPage(forgedUri, 'en');
    expect(page).toContain('class="warn red" data-test-report="mismatched"');
    expect(page).toContain(TEST_REPORT_MESSAGES.en.mismatched);
    const otherLot = await issueLot(service, factory, `G${Date.now() % 1e6}`);
    expect((await scanJson(otherLot.codes[0] ?? '')).testReport).toMatchObject({ verdict: 'verified', scope: 'product' });
  });

  it('marks a lot without any report for its standard as missing', async () => {
    const factory = await helmetFactory(service, adminToken);
    const { codes } = await issueLot(service, factory, `M${Date.now() % 1e6}`);
    const uri = codes[0] ?? '';
    expect((await scanJson(uri)).testReport).toEqual({ verdict: 'missing', keyClauses: [] });
    expect(await scanPage(uri, 'zh-CN')).toContain(TEST_REPORT_MESSAGES['zh-CN'].missing);
  });
});

describe('the report PDF and the linkset', () => {
  it('gives the PDF to participants and regulators, and to everyone only where the factory chose so', async () => {
    const factory = await helmetFactory(service, adminToken);
    const pdf = samplePdf('participants only');
    const path = `/v1/products/${factory.gtin}`;
    await attach(service, factory.token, path, { number: 'R-PDF-1', labOrgId: lab.id }, pdf);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const got = await service.call('GET', `${path}/test-reports/pdf`, { token: distributor.token });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
    const admin = await registerOrg(service, 'admin', adminToken);
    expect((await service.call('GET', `${path}/test-reports/pdf`, { token: admin.token })).status).toBe(403);
    expect((await service.call('GET', `${path}/test-reports/pdf`)).status).toBe(401);
    expect((await service.call('GET', `${path}/certifications/test-report.pdf`)).status).toBe(404);

    const open = await helmetFactory(service, adminToken);
    const openPdf = samplePdf('public');
    await attach(
      service,
      open.token,
      `/v1/products/${open.gtin}`,
      { number: 'R-PDF-2', labOrgId: lab.id, publicPdf: 'true' },
      openPdf,
    );
    const anyone = await service.call('GET', `/v1/products/${open.gtin}/certifications/test-report.pdf`);
    expect(anyone.status).toBe(200);
    expect(Buffer.from(await anyone.arrayBuffer()).equals(openPdf)).toBe(true);
  });

  it("lists the LA certificate and the type test as the product's gs1:certificationInfo", async () => {
    const factory = await helmetFactory(service, adminToken);
    const pdf = samplePdf('linkset');
    const body = labReportBody(factory, pdf);
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body })).status).toBe(201);
    await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number: body.number, labOrgId: lab.id }, pdf);
    const res = await service.call('GET', `/01/${factory.gtin}?linkType=linkset`, {
      headers: { accept: 'application/linkset+json' },
    });
    expect(res.status).toBe(200);
    const { linkset } = (await res.json()) as { linkset: Record<string, unknown>[] };
    const entries = linkset[0]?.['https://ref.gs1.org/voc/certificationInfo'] as { href: string; title: string }[];
    expect(entries.map((e) => e.title)).toEqual([
      expect.stringMatching(/^LA certificate LA-2026-\d+, valid until 2030-12-31$/),
      expect.stringMatching(new RegExp(`^Type test report ${body.number} \\(GB 2811-2019, 2026-03-15\\): verified$`)),
    ]);
    const certifications = await service.call('GET', `/v1/products/${factory.gtin}/certifications`);
    expect(((await certifications.json()) as { typeTest: { verdict: string } }).typeTest.verdict).toBe('verified');
  });
});
