import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshLicense, registerOrg } from '../support/fixtures';
import { listInbox } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import {
  attach,
  helmetClauses,
  helmetFactory,
  issueLot,
  labReportBody,
  registerLab,
  samplePdf,
  sha256Hex,
} from '../support/test-reports';

let service: TestService;
let adminToken: string;
let lab: { id: string; token: string };
let regulatorGd: string;
let regulatorZj: string;

interface Attached {
  verdict: string;
  differences: { kind: string; clause?: string }[];
  pdfSha256: string;
}

const regulatorIn = async (region: string) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `Regulator ${region}`, role: 'regulator', region, licenseNumber: freshLicense() },
  });
  const { id } = (await res.json()) as { id: string };
  return service.token(id, 'regulator');
};

/** The lab registers a report for a factory's helmet; the factory's genuine copy is then `pdf` and these fields. */
const registered = async (factory: { id: string; gtin: string }, pdf = samplePdf(`genuine ${Math.random()}`)) => {
  const body = labReportBody(factory, pdf);
  const res = await service.call('POST', '/v1/lab-reports', { token: lab.token, body });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return { number: body.number, pdf };
};

const kinds = (attached: Attached) => attached.differences.map((d) => d.kind);

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  lab = await registerLab(service, adminToken);
  regulatorGd = await regulatorIn('CN-GD Guangzhou');
  regulatorZj = await regulatorIn('CN-ZJ Hangzhou');
});
afterAll(async () => {
  await service?.stop();
});

describe('attaching a genuine report', () => {
  it('is verified when it matches what the lab signed', async () => {
    const factory = await helmetFactory(service, adminToken);
    const { number, pdf } = await registered(factory);
    const res = await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number, labOrgId: lab.id }, pdf);
    expect(res.status).toBe(201);
    const attached = (await res.json()) as Attached;
    expect(attached).toMatchObject({ verdict: 'verified', differences: [], pdfSha256: sha256Hex(pdf) });
  });

  it('is unverified until the lab registers it, then verified', async () => {
    const factory = await helmetFactory(service, adminToken);
    const pdf = samplePdf('attached first');
    const body = labReportBody(factory, pdf);
    const res = await attach(
      service,
      factory.token,
      `/v1/products/${factory.gtin}`,
      { number: body.number, labOrgId: lab.id },
      pdf,
    );
    expect(((await res.json()) as Attached).verdict).toBe('unverified');
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body })).status).toBe(201);
    const read = await service.call('GET', `/v1/products/${factory.gtin}/test-reports`, { token: factory.token });
    expect(((await read.json()) as Attached).verdict).toBe('verified');
  });
});

describe('forgeries, each flagged with its exact difference and filed for the factory province', () => {
  it("reusing another factory's report number", async () => {
    const genuine = await helmetFactory(service, adminToken);
    const forger = await helmetFactory(service, adminToken);
    const { number, pdf } = await registered(genuine);
    const res = await attach(service, forger.token, `/v1/products/${forger.gtin}`, { number, labOrgId: lab.id }, pdf);
    const attached = (await res.json()) as Attached;
    expect(attached.verdict).toBe('mismatched');
    expect(kinds(attached)).toEqual(['other_factory', 'other_product']);
    const gd = await listInbox(service, regulatorGd, '?kind=test_report');
    expect(gd.some((entry) => entry.gtin === forger.gtin)).toBe(true);
    const zj = await listInbox(service, regulatorZj, '?kind=test_report');
    expect(zj.some((entry) => entry.gtin === forger.gtin)).toBe(false);
  });

  it('editing one clause result', async () => {
    const factory = await helmetFactory(service, adminToken);
    const { number, pdf } = await registered(factory);
    const clauses = helmetClauses().map((c) => (c.clause === 'impact_absorption' ? { ...c, value: 3500 } : c));
    const res = await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number, labOrgId: lab.id, clauses }, pdf);
    const attached = (await res.json()) as Attached;
    expect(attached.verdict).toBe('mismatched');
    expect(attached.differences).toEqual([
      expect.objectContaining({
        kind: 'clause_altered',
        clause: 'impact_absorption',
        attached: expect.objectContaining({ value: 3500 }),
      }),
    ]);
  });

  it('swapping the PDF', async () => {
    const factory = await helmetFactory(service, adminToken);
    const { number } = await registered(factory);
    const res = await attach(
      service,
      factory.token,
      `/v1/products/${factory.gtin}`,
      { number, labOrgId: lab.id },
      samplePdf('doctored'),
    );
    const attached = (await res.json()) as Attached;
    expect(attached.verdict).toBe('mismatched');
    expect(kinds(attached)).toEqual(['pdf_altered']);
  });

  it('citing a lab not accredited for the standard', async () => {
    const respiratorLab = await registerLab(service, adminToken, { standards: ['GB 2626-2019'] });
    const factory = await helmetFactory(service, adminToken);
    const res = await attach(
      service,
      factory.token,
      `/v1/products/${factory.gtin}`,
      { number: 'R-NOSCOPE-1', labOrgId: respiratorLab.id },
      samplePdf(),
    );
    const attached = (await res.json()) as Attached;
    expect(attached.verdict).toBe('mismatched');
    expect(kinds(attached)).toEqual(['missing_at_lab', 'not_accredited_for_standard']);
  });

  it('citing an expired accreditation', async () => {
    const lapsedLab = await registerLab(service, adminToken, { validFrom: '2020-01-01', validUntil: '2025-12-31' });
    const factory = await helmetFactory(service, adminToken);
    const res = await attach(
      service,
      factory.token,
      `/v1/products/${factory.gtin}`,
      { number: 'R-LAPSED-1', labOrgId: lapsedLab.id },
      samplePdf(),
    );
    const attached = (await res.json()) as Attached;
    expect(attached.verdict).toBe('mismatched');
    expect(kinds(attached)).toEqual(['missing_at_lab', 'accreditation_expired']);
  });

  it('citing an organization that is not a lab', async () => {
    const factory = await helmetFactory(service, adminToken);
    const res = await attach(
      service,
      factory.token,
      `/v1/products/${factory.gtin}`,
      { number: 'R-SELF-1', labOrgId: factory.id },
      samplePdf(),
    );
    expect(kinds((await res.json()) as Attached)).toEqual(['lab_unknown']);
  });
});

describe('bad uploads are a clear 4xx and store nothing', () => {
  const storedFor = async (gtin: string) =>
    (await readdir(join(process.env.TEST_REPORT_DIR ?? '', `product-${gtin}`)).catch(() => [] as string[])).length;

  it('refuses a wrong type, an oversized PDF, a truncated PDF, a missing PDF and a non-multipart body', async () => {
    const factory = await helmetFactory(service, adminToken);
    const path = `/v1/products/${factory.gtin}`;
    const fields = { number: 'R-BAD-1', labOrgId: lab.id };
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const wrongType = await attach(service, factory.token, path, fields, png, 'application/pdf');
    expect(wrongType.status).toBe(415);
    const huge = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
    expect((await attach(service, factory.token, path, fields, huge)).status).toBe(413);
    const whole = samplePdf();
    const truncated = await attach(service, factory.token, path, fields, whole.subarray(0, whole.length - 20));
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { error: { code: string } }).error.code).toBe('TRUNCATED_PDF');
    const missing = await attach(service, factory.token, path, fields, undefined);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('PDF_REQUIRED');
    const json = await service.call('POST', `${path}/test-reports`, { token: factory.token, body: { ...fields } });
    expect(json.status).toBe(415);
    const badClauses = await attach(
      service,
      factory.token,
      path,
      { ...fields, clauses: [{ clause: 'impact_absorption', result: 'pass' }] },
      whole,
    );
    expect(badClauses.status).toBe(400);
    expect((await service.call('GET', `${path}/test-reports`, { token: factory.token })).status).toBe(404);
    expect(await storedFor(factory.gtin)).toBe(0);
  });
});

describe('who may attach, read and compare', () => {
  it('lets only the owner factory attach; reads go to the owner, the cited lab and regulators', async () => {
    const factory = await helmetFactory(service, adminToken);
    const other = await helmetFactory(service, adminToken);
    const { number, pdf } = await registered(factory);
    const path = `/v1/products/${factory.gtin}`;
    for (const role of ['distributor', 'regulator', 'admin', 'lab'] as const) {
      const org = role === 'lab' ? lab : await registerOrg(service, role, adminToken);
      expect((await attach(service, org.token, path, { number, labOrgId: lab.id }, pdf)).status, role).toBe(403);
    }
    expect((await attach(service, other.token, path, { number, labOrgId: lab.id }, pdf)).status).toBe(403);
    const anonymous = await fetch(`${service.url}${path}/test-reports`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await attach(service, factory.token, path, { number, labOrgId: lab.id }, pdf)).status).toBe(201);

    expect((await service.call('GET', `${path}/test-reports`, { token: factory.token })).status).toBe(200);
    expect((await service.call('GET', `${path}/test-reports`, { token: regulatorZj })).status).toBe(200);
    expect((await service.call('GET', `${path}/test-reports`, { token: lab.token })).status).toBe(200);
    expect((await service.call('GET', `${path}/test-reports`, { token: other.token })).status).toBe(404);
    const outsider = await registerLab(service, adminToken);
    expect((await service.call('GET', `${path}/test-reports`, { token: outsider.token })).status).toBe(404);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    expect((await service.call('GET', `${path}/test-reports`, { token: distributor.token })).status).toBe(403);
  });
});

describe('comparing two reports clause by clause', () => {
  it("tells a batch test's worse result from the type test's, within each clause's tolerance", async () => {
    const factory = await helmetFactory(service, adminToken);
    const { number, pdf } = await registered(factory);
    await attach(service, factory.token, `/v1/products/${factory.gtin}`, { number, labOrgId: lab.id }, pdf);
    const batch = await issueLot(service, factory, `L${Date.now() % 1e6}`);
    const clauses = helmetClauses().map((c) => (c.clause === 'impact_absorption' ? { ...c, value: 4400 } : c));
    const batchPdf = samplePdf('batch test');
    const batchBody = labReportBody(factory, batchPdf, { clauses });
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body: batchBody })).status).toBe(201);
    const res = await attach(
      service,
      factory.token,
      `/v1/batches/${batch.id}`,
      { number: batchBody.number, labOrgId: lab.id, clauses },
      batchPdf,
    );
    const batchAttached = (await res.json()) as Attached;
    expect(batchAttached, JSON.stringify(batchAttached)).toMatchObject({ verdict: 'verified' });

    const compared = await service.call('GET', `/v1/test-reports/compare?a=product:${factory.gtin}&b=batch:${batch.id}`, {
      token: regulatorGd,
    });
    expect(compared.status).toBe(200);
    const { clauses: trends } = (await compared.json()) as { clauses: { clause: string; trend: string; delta?: number }[] };
    expect(trends).toEqual([
      expect.objectContaining({ clause: 'impact_absorption', trend: 'worse', delta: 550 }),
      expect.objectContaining({ clause: 'penetration_resistance', trend: 'same' }),
      expect.objectContaining({ clause: 'chin_strap_strength', trend: 'same' }),
    ]);
    const labSide = await service.call('GET', `/v1/test-reports/compare?a=lab:${lab.id}:${number}&b=product:${factory.gtin}`, {
      token: factory.token,
    });
    expect(((await labSide.json()) as { clauses: { trend: string }[] }).clauses.every((c) => c.trend === 'same')).toBe(true);
    const other = await helmetFactory(service, adminToken);
    const refused = await service.call('GET', `/v1/test-reports/compare?a=product:${factory.gtin}&b=batch:${batch.id}`, {
      token: other.token,
    });
    expect(refused.status).toBe(404);
  });
});
