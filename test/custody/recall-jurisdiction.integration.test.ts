import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBatchByLot } from '#shared/issuance/store/batch-repository';
import { custodyEvent, type EventsResponse, issueContainer, issueUnits, lotOf, postEvents, scan } from '../support/custody';
import { orgIn, productOf } from '../support/epcis-query';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A recall is irreversible, so a regulator recalls only what was made or is held in its
 * jurisdiction: its province, or its country when national. Each test replays a recall
 * as it was once accepted, or shows the recall a regulator is entitled to.
 */
let service: TestService;
let adminToken: string;
type Org = Awaited<ReturnType<typeof orgIn>>;
let gdFactory: Org;
let gdRegulator: Org;
let zjRegulator: Org;
let zjDistributor: Org;
let national: Org;
let gtin: string;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  [gdFactory, gdRegulator, zjRegulator, zjDistributor, national] = await Promise.all([
    orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen'),
    orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou'),
    orgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou'),
    orgIn(service, adminToken, 'distributor', 'CN-ZJ Ningbo'),
    orgIn(service, adminToken, 'regulator', 'CN'),
  ]);
  gtin = await productOf(service, gdFactory.token);
});
afterAll(async () => service?.stop());

let lots = 0;
const issue = (count: number) => issueUnits(service, gdFactory.token, gtin, `J${Date.now() % 1e6}-${lots++}`, count);

const errorOf = (answer: EventsResponse, index = 0) =>
  answer.results[index]?.error as { status: number; code: string; details?: { provinces?: string[] } } | undefined;

/** The unit's chain as a regulator reads it: its length tells whether anything was recorded on it. */
const chainLength = async (uri: string): Promise<number> => {
  const res = await service.call('GET', `/v1/chain${new URL(uri).pathname}`, { token: national.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { chain: unknown[] }).chain.length;
};

/** The factory ships to the Zhejiang distributor, which receives: the goods are then held in Zhejiang. */
const shipToZhejiang = async (epc: string) => {
  const shipped = await postEvents(service, gdFactory.token, [
    custodyEvent('shipping', { epcs: [epc], destination: zjDistributor.id }),
  ]);
  expect(shipped.status).toBe(200);
  expect((await postEvents(service, zjDistributor.token, [custodyEvent('receiving', { epcs: [epc] }, 1)])).status).toBe(200);
};

describe('a regulator recalls only within its jurisdiction', () => {
  it("refuses a Zhejiang regulator's recall of a Guangdong factory's unit it never saw (403), and writes nothing", async () => {
    const [unit = ''] = await issue(1);
    const before = await chainLength(unit);
    const refused = await postEvents(service, zjRegulator.token, [
      custodyEvent('recall', { epcs: [unit], reason: 'we dislike this factory' }),
    ]);
    expect(refused.status).toBe(403);
    expect(refused.results[0]?.status).toBe('rejected');
    expect(errorOf(refused)).toMatchObject({ status: 403, code: 'RECALL_OUTSIDE_JURISDICTION' });
    // The refusal names who may recall it, so the regulator knows whom to ask.
    expect(errorOf(refused)?.details?.provinces).toEqual(['CN-GD']);
    expect((await scan(unit)).status).toBe('genuine');
    expect(await chainLength(unit)).toBe(before);
  });

  it("refuses a Zhejiang regulator's recall of a Guangdong factory's whole lot, even with some of it held in Zhejiang", async () => {
    const [held = '', other = ''] = await issue(2);
    await shipToZhejiang(held);
    const refused = await postEvents(service, zjRegulator.token, [
      custodyEvent('recall', { lot: { gtin, lot: lotOf(held) }, reason: 'suspected defect' }, 2),
    ]);
    expect(refused.status).toBe(403);
    expect(errorOf(refused)?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
    expect((await getBatchByLot(gtin, lotOf(held)))?.recalledAt).toBeUndefined();
    expect((await scan(other)).status).toBe('genuine');
    expect((await scan(held)).status).toBe('genuine');
  });

  it('lets the Guangdong regulator recall the unit and the lot of a factory of its province', async () => {
    const [unit = '', sibling = ''] = await issue(2);
    const recalled = await postEvents(service, gdRegulator.token, [custodyEvent('recall', { epcs: [unit], reason: 'cracked' })]);
    expect(recalled.status).toBe(200);
    expect((await scan(unit)).status).toBe('recalled');
    expect((await scan(sibling)).status).toBe('genuine');
    const lot = await postEvents(service, gdRegulator.token, [
      custodyEvent('recall', { lot: { gtin, lot: lotOf(sibling) }, reason: 'bad resin' }, 1),
    ]);
    expect(lot.results[0]?.status).toBe('recorded');
    expect((await scan(sibling)).status).toBe('recalled');
  });

  it('lets the Zhejiang regulator recall a unit held by a Zhejiang distributor, loose or packed in a case', async () => {
    const [loose = '', packed = ''] = await issue(2);
    await shipToZhejiang(loose);
    // The packed unit's own custodian stays the factory: custody passes with its case.
    const caseCode = await issueContainer(service, gdFactory.token, 'case');
    expect(
      (await postEvents(service, gdFactory.token, [custodyEvent('packing', { parent: caseCode, children: [packed] })])).status,
    ).toBe(200);
    await shipToZhejiang(caseCode);
    const recalled = await postEvents(service, zjRegulator.token, [
      custodyEvent('recall', { epcs: [loose], reason: 'found with cracked shell' }, 2),
      custodyEvent('recall', { epcs: [packed], reason: 'same defect' }, 2),
    ]);
    expect(recalled.results.map((r) => r.status)).toEqual(['recorded', 'recorded']);
    expect((await scan(loose)).status).toBe('recalled');
    expect((await scan(packed)).status).toBe('recalled');
  });

  it('judges each event of a call on its own: the one outside is refused, the one inside recorded', async () => {
    const [outside = '', inside = ''] = await issue(2);
    await shipToZhejiang(inside);
    const before = await chainLength(outside);
    const answer = await postEvents(service, zjRegulator.token, [
      custodyEvent('recall', { epcs: [outside], reason: 'suspected' }, 2),
      custodyEvent('recall', { epcs: [inside], reason: 'confirmed' }, 2),
    ]);
    expect(answer.status).toBe(207);
    expect(errorOf(answer, 0)?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
    expect(answer.results[1]?.status).toBe('recorded');
    expect(await chainLength(outside)).toBe(before);
    expect((await scan(outside)).status).toBe('genuine');
  });

  it('refuses an event listing one unit outside the jurisdiction as a whole, even beside one inside', async () => {
    const [outside = '', inside = ''] = await issue(2);
    await shipToZhejiang(inside);
    const [before, insideBefore] = [await chainLength(outside), await chainLength(inside)];
    const answer = await postEvents(service, zjRegulator.token, [
      custodyEvent('recall', { epcs: [inside, outside], reason: 'both' }, 2),
    ]);
    expect(answer.status).toBe(403);
    expect(errorOf(answer)?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
    expect([await chainLength(outside), await chainLength(inside)]).toEqual([before, insideBefore]);
  });

  it('lets a national regulator recall any unit and lot of its country', async () => {
    const [unit = '', other = ''] = await issue(2);
    await shipToZhejiang(unit);
    const recalled = await postEvents(service, national.token, [custodyEvent('recall', { epcs: [unit], reason: 'national' }, 2)]);
    expect(recalled.status).toBe(200);
    expect((await scan(unit)).status).toBe('recalled');
    const lot = await postEvents(service, national.token, [
      custodyEvent('recall', { lot: { gtin, lot: lotOf(other) }, reason: 'national lot recall' }, 3),
    ]);
    expect(lot.results[0]?.status).toBe('recorded');
    expect((await scan(other)).status).toBe('recalled');
  });

  it('leaves the factory recalling its own products as before, and a distributor still cannot', async () => {
    const [unit = '', mine = ''] = await issue(2);
    await shipToZhejiang(unit);
    const byDistributor = await postEvents(service, zjDistributor.token, [custodyEvent('recall', { epcs: [unit] }, 2)]);
    expect(errorOf(byDistributor)?.code).toBe('ROLE_NOT_ALLOWED');
    const byFactory = await postEvents(service, gdFactory.token, [custodyEvent('recall', { epcs: [unit, mine] }, 2)]);
    expect(byFactory.status).toBe(200);
    expect((await scan(unit)).status).toBe('recalled');
  });
});
