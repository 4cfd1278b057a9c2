import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueContainer, issueUnits } from '../support/custody';
import { factoryWithProduct, freshGtin } from '../support/fixtures';
import { fileReport } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import {
  freshViewer,
  jpegPhoto,
  listReports,
  pngPhoto,
  postForm,
  postJson,
  registerOrgIn,
  reportFields,
  storedPhotos,
} from '../support/reports';

/**
 * Counterfeit reports through the real local service: a report reaches the product's
 * factory (without the reporter's contact) and the regulators of the province it was
 * filed from (with it); a forged or unreadable code is still reportable. The gateway simulates
 * places: a reporter stands where its CloudFront-Viewer-Address is (reporter-addresses.ts).
 */
let service: TestService;
let adminToken: string;
let factory: { id: string; token: string };
let otherFactory: { id: string; token: string };
let gdRegulator: { id: string; token: string };
let zjRegulator: { id: string; token: string };
let genuineCode: string;
const REFERENCE = /^TS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/;
/** What CloudFront would add for a viewer in Guangdong, except on requests from the AWS network. */
const claimsGuangdong = {
  'cloudfront-viewer-country': 'CN',
  'cloudfront-viewer-country-region': 'GD',
  'cloudfront-viewer-city': 'Shenzhen',
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  const made = await factoryWithProduct(service, adminToken);
  factory = made.factory;
  otherFactory = (await factoryWithProduct(service, adminToken)).factory;
  gdRegulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Shenzhen');
  zjRegulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  [genuineCode = ''] = await issueUnits(service, factory.token, made.gtin, 'RPT-1', 1);
});
afterAll(async () => service?.stop());

describe('POST /v1/reports', () => {
  it('files a JSON report with a photo and routes it to the factory and the province', async () => {
    const res = await postJson(
      service,
      { ...reportFields({ code: genuineCode, contact: '+86 138 0000 0000' }), photos: [pngPhoto().toString('base64')] },
      reporterIn('CN-GD'),
    );
    expect(res.status).toBe(202);
    const { reference, status } = (await res.json()) as { reference: string; status: string };
    expect(reference).toMatch(REFERENCE);
    expect(status).toBe('received');

    const forFactory = (await listReports(service, factory.token)).find((r) => r.reference === reference);
    expect(forFactory).toMatchObject({ factoryOrgId: factory.id, region: 'CN-GD', code: { kind: 'unit' } });
    expect(forFactory).not.toHaveProperty('contact');
    const forRegulator = (await listReports(service, gdRegulator.token)).find((r) => r.reference === reference);
    expect(forRegulator?.contact).toBe('+86 138 0000 0000');
    expect((await listReports(service, zjRegulator.token)).map((r) => r.reference)).not.toContain(reference);
    expect((await listReports(service, otherFactory.token)).map((r) => r.reference)).not.toContain(reference);

    const [photo] = forRegulator?.photos ?? [];
    expect(photo).toMatchObject({ contentType: 'image/png', bytes: pngPhoto().length });
    const stored = await readFile(join(service.runtime.dataDir, 'reports', photo?.key ?? 'missing'));
    expect(stored.equals(pngPhoto())).toBe(true);
  });

  it('files a code sent as a path on the verification host exactly like its full URI', async () => {
    // What the verify page's form sent before: the path it was served at, not the printed URI.
    const { pathname, search } = new URL(genuineCode);
    const references: string[] = [];
    for (const code of [`${pathname}${search}`, genuineCode]) {
      const res = await postForm(service, { ...reportFields(), code }, [], freshViewer());
      expect(res.status).toBe(202);
      references.push(((await res.json()) as { reference: string }).reference);
    }
    const listed = await listReports(service, factory.token);
    const [fromPath, fromUri] = references.map((reference) => {
      const report = listed.find((r) => r.reference === reference);
      return report && { code: report.code, factoryOrgId: report.factoryOrgId, region: report.region };
    });
    expect(fromPath).toEqual({
      factoryOrgId: factory.id,
      region: 'CN-ZJ',
      code: expect.objectContaining({ kind: 'unit', uri: genuineCode }),
    });
    expect(fromPath).toEqual(fromUri);
    for (const reference of references) {
      expect((await listReports(service, zjRegulator.token)).map((r) => r.reference)).toContain(reference);
    }
  });

  it('accepts a forged code and links it to the product its GTIN names', async () => {
    const url = new URL(genuineCode);
    url.searchParams.set('8030', 'A'.repeat(90));
    const res = await postJson(service, reportFields({ code: url.toString() }), reporterIn('CN-GD'));
    expect(res.status).toBe(202);
    const { reference } = (await res.json()) as { reference: string };
    const listed = (await listReports(service, factory.token)).find((r) => r.reference === reference);
    expect(listed?.code?.kind).toBe('unit');
  });

  it('accepts an unreadable code; a report no province can be tied to reaches every regulator as unlocated', async () => {
    const res = await postJson(service, reportFields({ code: 'http://fake.example/helmet-123' }), freshViewer());
    expect(res.status).toBe(202);
    const { reference } = (await res.json()) as { reference: string };
    const unlocated = await listReports(service, zjRegulator.token, '?unlocated=true');
    expect(unlocated.find((r) => r.reference === reference)).toMatchObject({ region: 'UNLOCATED', code: { kind: 'unreadable' } });
    expect((await listReports(service, gdRegulator.token)).map((r) => r.reference)).not.toContain(reference);
  });

  it('keeps a case code as a container, linked to no factory', async () => {
    const caseCode = await issueContainer(service, factory.token, 'case');
    const reference = await fileReport(service, reporterIn('CN-GD'), { code: caseCode });
    const filed = (await listReports(service, gdRegulator.token)).find((r) => r.reference === reference);
    expect(filed?.code).toMatchObject({ kind: 'container', uri: caseCode });
    expect(filed?.factoryOrgId).toBeUndefined();
    expect((await listReports(service, factory.token)).map((r) => r.reference)).not.toContain(reference);
  });

  it('links a code whose GTIN no factory registered here to no factory, filing it where the reporter stands', async () => {
    const gtin = freshGtin();
    const forged = genuineCode.replace(/\/01\/\d{14}\//, `/01/${gtin}/`);
    const reference = await fileReport(service, freshViewer(), { code: forged });
    const unlocated = (await listReports(service, zjRegulator.token, '?unlocated=true')).find((r) => r.reference === reference);
    expect(unlocated?.code).toMatchObject({ kind: 'unit', gtin });
    expect(unlocated?.factoryOrgId).toBeUndefined();
    for (const token of [factory.token, otherFactory.token]) {
      expect((await listReports(service, token)).map((r) => r.reference)).not.toContain(reference);
    }
  });

  it("without viewer location, a linked report goes to the factory's province", async () => {
    const res = await postJson(service, reportFields({ code: genuineCode }), freshViewer());
    const { reference } = (await res.json()) as { reference: string };
    expect((await listReports(service, zjRegulator.token)).map((r) => r.reference)).toContain(reference);
  });

  it('answers the no-JavaScript form with a confirmation page, in Chinese by default and English on request', async () => {
    const zh = await postForm(service, { ...reportFields(), code: '', contact: '', website: '' }, [jpegPhoto()], {
      ...freshViewer(),
      accept: 'text/html,application/xhtml+xml',
    });
    expect(zh.status).toBe(202);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    const zhPage = await zh.text();
    expect(zhPage).toContain('lang="zh-CN"');
    expect(zhPage).toContain('举报已收到');
    const reference = REFERENCE.exec(/TS-\d{4}-[0-9A-Z]{6}/.exec(zhPage)?.[0] ?? '')?.[0];
    expect(reference).toBeDefined();
    expect((await listReports(service, zjRegulator.token, '?unlocated=true')).map((r) => r.reference)).toContain(reference);

    const en = await postForm(service, reportFields(), [], {
      ...freshViewer(),
      accept: 'text/html',
      'accept-language': 'en-GB,en;q=0.9',
    });
    expect(en.status).toBe(202);
    expect(await en.text()).toContain('Report received');
  });

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const before = await listReports(service, zjRegulator.token, '?unlocated=true');
    const photosBefore = await storedPhotos(service);
    const res = await postForm(service, { ...reportFields(), website: 'http://spam.example' }, [jpegPhoto()], freshViewer());
    expect(res.status).toBe(202);
    const { reference } = (await res.json()) as { reference: string };
    expect(reference).toMatch(REFERENCE);
    const after = await listReports(service, zjRegulator.token, '?unlocated=true');
    expect(after.map((r) => r.reference)).toEqual(before.map((r) => r.reference));
    expect(await storedPhotos(service)).toEqual(photosBefore);

    // A bot that also got the rest wrong learns nothing from the answer either.
    const sloppy = await postJson(service, { website: 'x', description: '' }, freshViewer());
    expect(sloppy.status).toBe(202);
    expect((await listReports(service, zjRegulator.token, '?unlocated=true')).length).toBe(after.length);
  });
});

describe('GET /v1/reports', () => {
  it('pages with a cursor, newest first, and filters by status and date', async () => {
    const viewer = reporterIn('CN-GD');
    for (let i = 0; i < 3; i++) expect((await postJson(service, reportFields({ code: genuineCode }), viewer)).status).toBe(202);
    const first = await service.call('GET', '/v1/reports?limit=2', { token: factory.token });
    const page = (await first.json()) as { reports: { createdAt: string }[]; cursor?: string };
    expect(page.reports).toHaveLength(2);
    expect(page.cursor).toBeDefined();
    const [a, b] = page.reports;
    expect((a?.createdAt ?? '') >= (b?.createdAt ?? '')).toBe(true);
    const next = await service.call('GET', `/v1/reports?limit=2&cursor=${page.cursor}`, { token: factory.token });
    expect(next.status).toBe(200);

    const today = new Date().toISOString().slice(0, 10);
    expect((await listReports(service, factory.token, `?from=${today}&to=${today}&status=received`)).length).toBeGreaterThan(0);
    expect(await listReports(service, factory.token, '?to=2020-01-01')).toEqual([]);
    expect(await listReports(service, factory.token, '?status=closed')).toEqual([]);
  });
});

describe('GET /v1/reports, refused queries', () => {
  it('refuses a date range that ends before it starts, for factories and regulators alike', async () => {
    for (const token of [factory.token, gdRegulator.token]) {
      const res = await service.call('GET', '/v1/reports?from=2026-11-02&to=2026-11-01', { token });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_DATE_RANGE');
    }
  });
});

describe('where a report is filed', () => {
  // CloudFront sets no region or city header on requests from the AWS network, so there the
  // origin sees whatever the reporter sent: these are headers as a reporter on an EC2 host
  // could send them, next to the address CloudFront saw.
  it('is where the reporter’s address is: from Zhejiang, claiming Guangdong, it reaches Zhejiang only', async () => {
    const reference = await fileReport(service, { ...reporterIn('CN-ZJ'), ...claimsGuangdong });
    const filed = (await listReports(service, zjRegulator.token)).find((r) => r.reference === reference);
    expect(filed).toMatchObject({ region: 'CN-ZJ' });
    expect((await listReports(service, gdRegulator.token)).map((r) => r.reference)).not.toContain(reference);
  });

  it('from an address tied to no province, a claimed Guangdong gives way to the factory’s province, or none', async () => {
    const linked = await fileReport(service, { ...freshViewer(), ...claimsGuangdong }, { code: genuineCode });
    const unlinked = await fileReport(service, { ...freshViewer(), ...claimsGuangdong });
    expect((await listReports(service, factory.token)).find((r) => r.reference === linked)).toMatchObject({ region: 'CN-ZJ' });
    expect((await listReports(service, zjRegulator.token)).map((r) => r.reference)).toContain(linked);
    const unlocated = await listReports(service, zjRegulator.token, '?unlocated=true');
    expect(unlocated.find((r) => r.reference === unlinked)).toMatchObject({ region: 'UNLOCATED' });
    const inGuangdong = (await listReports(service, gdRegulator.token)).map((r) => r.reference);
    expect(inGuangdong).not.toContain(linked);
    expect(inGuangdong).not.toContain(unlinked);
  });
});
