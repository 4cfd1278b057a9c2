import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectIdOf } from '#shared/custody/domain/types';
import { getUnitScans } from '#shared/scans/store/unit-scan-repository';
import { alertsOfUnit, issueProductUnits, listAlerts, orgIn, type Unit } from '../support/anomalies';
import { issueContainer } from '../support/custody';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { registerLab } from '../support/test-reports';

/**
 * A participant's look-up of a verdict (`GET /v1/verdicts`, the console's unit story) against a
 * scan of the same label (the public verify route), both through `npm start`'s gateway and its
 * scan log drained by the real aggregator. The look-up must answer what the scan answers and
 * leave nothing behind: no scan item, no flag, no alert.
 */
let service: TestService;
let adminToken: string;
type Org = { id: string; token: string };
let factory: Org;
let regulator: Org;
let units: Unit[];

const unit = (index: number): Unit => {
  const found = units[index];
  if (found === undefined) throw new Error(`no unit ${index}`);
  return found;
};
const scanItemOf = (target: Unit) => getUnitScans(subjectIdOf({ kind: 'unit', gtin: target.gtin, serial: target.serial }));
const verdictPath = (uri: string) => `/v1/verdicts?code=${encodeURIComponent(uri)}`;

type Answer = { status: string; scanAlert?: { level: string }; checkedAt: string; [key: string]: unknown };
const withoutTime = ({ checkedAt: _, ...rest }: Answer) => rest;

/** `times` look-ups as the given participant, each answered 200; then the scan log is drained. */
const lookUp = async (uri: string, token: string, times: number): Promise<Answer[]> => {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) {
    const res = await service.call('GET', verdictPath(uri), { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    answers.push((await res.json()) as Answer);
  }
  await service.runtime.flushScans();
  return answers;
};

/** `times` anonymous scans of the label on the public verify route; then the scan log is drained. */
const scan = async (uri: string, times: number): Promise<Answer[]> => {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(uri, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    answers.push((await res.json()) as Answer);
  }
  await service.runtime.flushScans();
  return answers;
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  regulator = await orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou');
  let gtin: string;
  ({ gtin, units } = await issueProductUnits(service, factory.token, 2));
  // The strictest rules: every scan past the first is a hit, and three hits block (the default).
  const rules = await service.call('PUT', `/v1/products/${gtin}/scan-rules`, { token: factory.token, body: { maxScans: 1 } });
  expect(rules.status).toBe(200);
});
afterAll(async () => service?.stop());

describe("attack: a participant's views of a unit's story count as scans of it", () => {
  it('six look-ups record no scan, raise no alert and leave the unit genuine', async () => {
    const target = unit(0);
    const [first, ...rest] = await lookUp(target.uri, regulator.token, 3);
    const more = await lookUp(target.uri, factory.token, 3);
    for (const answer of [first, ...rest, ...more]) {
      expect(answer?.status).toBe('genuine');
      expect(answer?.scanAlert).toBeUndefined();
    }
    expect((await scanItemOf(target)).revision).toBe(0);
    expect(alertsOfUnit(await listAlerts(service, factory.token), target)).toEqual([]);
    // The look-up answers exactly what a scan of the label answers.
    const [scanned] = await scan(target.uri, 1);
    if (first === undefined || scanned === undefined) throw new Error('no answers');
    expect(withoutTime(first)).toEqual(withoutTime(scanned));
  });

  it('while the same six asked of the public verify route are scans that block the unit', async () => {
    const target = unit(1);
    await scan(target.uri, 6);
    const item = (await scanItemOf(target)).state;
    expect([item.memory.count, item.flag]).toEqual([6, 'blocked']);
    expect(alertsOfUnit(await listAlerts(service, factory.token), target).map((alert) => alert.rule)).toEqual(['too_many_scans']);
    // A look-up then tells the block as a scan does, and adds nothing to it.
    const [looked] = await lookUp(target.uri, factory.token, 1);
    expect([looked?.status, looked?.scanAlert?.level]).toEqual(['blocked', 'blocked']);
    expect((await scanItemOf(target)).state.memory.count).toBe(6);
  });
});

describe('who may look a verdict up', () => {
  it('every participant role, and a container label too', async () => {
    const distributor = await orgIn(service, adminToken, 'distributor', 'CN-AH Wuhu');
    const lab = await registerLab(service, adminToken);
    for (const token of [factory.token, distributor.token, regulator.token, lab.token, adminToken]) {
      const res = await service.call('GET', verdictPath(unit(0).uri), { token });
      expect(res.status).toBe(200);
    }
    const caseUri = await issueContainer(service, distributor.token, 'case');
    const [container] = await lookUp(caseUri, lab.token, 1);
    const [scanned] = await scan(caseUri, 1);
    if (container === undefined || scanned === undefined) throw new Error('no answers');
    expect(container.status).toBe('genuine');
    expect(withoutTime(container)).toEqual(withoutTime(scanned));
  });

  it('nobody without a token (401), nor with a forged one (401)', async () => {
    const anonymous = await service.call('GET', verdictPath(unit(0).uri));
    expect(anonymous.status).toBe(401);
    const forged = await service.call('GET', verdictPath(unit(0).uri), { token: `${factory.token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });
});

describe('bad codes', () => {
  const errorCodeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('answer 400 with the stable codes the verify route uses, and write nothing', async () => {
    const target = unit(0);
    const before = (await scanItemOf(target)).revision;
    const unsigned = target.uri.split('?')[0] ?? '';
    const badGtin = target.uri.replace(`/01/${target.gtin}/`, '/01/12345678901234/');
    const longLot = target.uri.replace(`/10/${target.lot}/`, `/10/${'L'.repeat(21)}/`);
    for (const [uri, code] of [
      [unsigned, 'MISSING_SIGNATURE'],
      [badGtin, 'MALFORMED_CODE'],
      [longLot, 'MALFORMED_CODE'],
    ] as const) {
      const looked = await service.call('GET', verdictPath(uri), { token: factory.token });
      expect([looked.status, await errorCodeOf(looked)]).toEqual([400, code]);
      const scanned = await fetch(uri, { headers: { accept: 'application/json' } });
      expect([scanned.status, await errorCodeOf(scanned)]).toEqual([400, code]);
    }
    // A malformed AI 8030 is the kernel's MALFORMED_CODE (the verify route's query check refuses it first).
    const shortSignature = await service.call('GET', verdictPath(`${unsigned}?8030=short`), { token: factory.token });
    expect([shortSignature.status, await errorCodeOf(shortSignature)]).toEqual([400, 'MALFORMED_CODE']);
    const notALabel = await service.call('GET', verdictPath('https://example.com/hello'), { token: factory.token });
    expect([notALabel.status, await errorCodeOf(notALabel)]).toEqual([400, 'MALFORMED_CODE']);
    const missing = await service.call('GET', '/v1/verdicts', { token: factory.token });
    expect(missing.status).toBe(400);
    await service.runtime.flushScans();
    expect((await scanItemOf(target)).revision).toBe(before);
  });
});
