import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBatchByLot } from '#shared/issuance/store/batch-repository';
import { scan } from '../support/custody';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { registerOrgIn } from '../support/reports';
import { completeDraw, getDraw, post } from '../support/spot-checks';
import { attach, helmetClauses, helmetFactory, issueLot, labReportBody, registerLab, samplePdf } from '../support/test-reports';

/**
 * Spot-check results that cite the sample's lab report, through the real local service: the
 * report is checked against the lab's registration, compared with the type test clause by
 * clause, and a failed lot's scans name it.
 */
type Org = { id: string; token: string };
let service: TestService;
let adminToken: string;
let lab: Org;
let factory: Org & { gtin: string };
let distributor: Org;
let gd: Org;
let gdOther: Org;
let zj: Org;
let drawId: string;
let targets: string[];
const codesOfLot = new Map<string, string[]>();
const DRAWS = '/v1/spot-checks/draws';

/** The lab registers a report of the factory's helmet with these clauses; returns its number. */
const labRegisters = async (clauses: unknown[]) => {
  const pdf = samplePdf(`sample ${Math.random()}`);
  const body = labReportBody(factory, pdf, { clauses });
  const res = await service.call('POST', '/v1/lab-reports', { token: lab.token, body });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return { number: body.number, pdf };
};

const comparisonPath = (target: string) => `${DRAWS}/${drawId}/results/${encodeURIComponent(target)}/comparison`;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  lab = await registerLab(service, adminToken);
  factory = await helmetFactory(service, adminToken);
  distributor = await registerOrgIn(service, adminToken, 'distributor', 'CN-GD Shenzhen');
  gd = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Shenzhen');
  gdOther = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Foshan');
  zj = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  // The type test: what the lab signed and the factory attached to its product.
  const typeTest = await labRegisters(helmetClauses());
  const attached = await attach(
    service,
    factory.token,
    `/v1/products/${factory.gtin}`,
    { number: typeTest.number, labOrgId: lab.id },
    typeTest.pdf,
  );
  if (attached.status !== 201) throw new Error(`attach failed: ${attached.status} ${await attached.text()}`);
  for (const lot of ['S1', 'S2']) codesOfLot.set(`${factory.gtin}:${lot}`, (await issueLot(service, factory, lot)).codes);
  const draw = await completeDraw(service, gd.token, { scope: { category: 'safety_helmet' }, sampleSize: 2 });
  drawId = draw.id;
  targets = draw.targets ?? [];
});
afterAll(async () => service?.stop());

describe('a spot-check result citing the lab report of the sample', () => {
  it('compares it with the type test: a worse clause shows, and the failed lot names the report on scans', async () => {
    const [target = ''] = targets;
    const sample = await labRegisters([
      { clause: 'impact_absorption', result: 'fail', value: 5600, unit: 'N' },
      { clause: 'penetration_resistance', result: 'pass' },
      { clause: 'chin_strap_strength', result: 'pass' },
    ]);
    const recorded = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [
        { target, result: 'fail', testReportRef: 'GD-QT-2026-101', labReport: { labOrgId: lab.id, number: sample.number } },
      ],
    });
    expect(recorded.status).toBe(201);

    // Public: the counts only.
    const published = (await getDraw(service, drawId)).results as unknown as Record<string, unknown>[];
    expect(published).toEqual([
      expect.objectContaining({
        target,
        labReport: { labOrgId: lab.id, number: sample.number },
        comparison: { standard: 'GB 2811-2019', worse: 1 },
      }),
    ]);

    for (const regulator of [gd, gdOther]) {
      const res = await service.call('GET', comparisonPath(target), { token: regulator.token });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { comparison: { worse: number; clauses: { clause: string; trend: string }[] } };
      expect(body.comparison.worse).toBe(1);
      expect(body.comparison.clauses).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ clause: 'impact_absorption', trend: 'worse' }),
          expect.objectContaining({ clause: 'penetration_resistance', trend: 'same' }),
          expect.objectContaining({ clause: 'chin_strap_strength', trend: 'same' }),
        ]),
      );
    }

    const [gtin = '', lot = ''] = target.split(':');
    expect((await getBatchByLot(gtin, lot))?.spotCheck).toMatchObject({ result: 'fail', testReportRef: sample.number });
    const [code = ''] = codesOfLot.get(target) ?? [];
    const verdict = (await scan(code)) as unknown as { batch?: { spotCheckFailed?: unknown } };
    expect(verdict.batch?.spotCheckFailed).toMatchObject({ drawId, testReportRef: sample.number });
  });

  it('refuses a lab report the lab never registered (400) and writes nothing', async () => {
    const [, target = ''] = targets;
    // Attack: citing a report number the lab has not signed, to make a result look lab-backed.
    const res = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [
        { target, result: 'fail', testReportRef: 'GD-QT-2026-102', labReport: { labOrgId: lab.id, number: 'NOT-REGISTERED-1' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('LAB_REPORT_NOT_FOUND');
    expect((await getDraw(service, drawId)).results?.some((r) => r.target === target)).toBe(false);
    const [gtin = '', lot = ''] = target.split(':');
    expect((await getBatchByLot(gtin, lot))?.spotCheck).toBeUndefined();
  });

  it("refuses another product's lab report (400)", async () => {
    const [, target = ''] = targets;
    const other = await helmetFactory(service, adminToken);
    const pdf = samplePdf('other product');
    const body = labReportBody(other, pdf);
    expect((await service.call('POST', '/v1/lab-reports', { token: lab.token, body })).status).toBe(201);
    // Attack: a genuine, passing report of another product cited for this lot.
    const res = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [
        { target, result: 'pass', testReportRef: 'GD-QT-2026-103', labReport: { labOrgId: lab.id, number: body.number } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('LAB_REPORT_OTHER_PRODUCT');
    expect((await getDraw(service, drawId)).results?.some((r) => r.target === target)).toBe(false);
  });

  it('keeps the clause list from the factory, the distributor and regulators of other provinces', async () => {
    const [target = ''] = targets;
    for (const org of [factory, distributor]) {
      expect((await service.call('GET', comparisonPath(target), { token: org.token })).status).toBe(403);
    }
    const res = await service.call('GET', comparisonPath(target), { token: zj.token });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OUTSIDE_JURISDICTION');
    expect((await service.call('GET', comparisonPath(target))).status).toBe(401);
  });
});
