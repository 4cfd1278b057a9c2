import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { spotCheckDrawKey } from '#kernel/db/item-keys-audit';
import { openDraw } from '#shared/spot-checks/services/spot-check-service';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { registerOrgIn } from '../support/reports';
import { completeDraw, drawBody, getDraw, inspectorsOf, newSecret, post, registerProduct } from '../support/spot-checks';

/**
 * The refusals of the spot-check routes through the real local service: a scope that cannot
 * be drawn, each step taken out of order or on another regulator's draw, a scope that emptied
 * between commit and fix, results naming what was not drawn, and who may read a draw's ids.
 * Every refusal leaves the draw as it was.
 */
const DRAWS = '/v1/spot-checks/draws';
type Org = { id: string; token: string };
let service: TestService;
let adminToken: string;
let factory: Org;
let otherFactory: Org;
let gd: Org;
let gdOther: Org;
let zj: Org;
let national: Org;
let helmet: string;
let respirator: string;

const get = async (path: string, token?: string) => {
  const res = await service.call('GET', path, token === undefined ? {} : { token });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string }; cursor?: string },
  };
};
const open = async (token: string, commitment: string, overrides: Record<string, unknown>) =>
  post(service, DRAWS, token, await drawBody(service, token, commitment, overrides));
/** A regulator of its own: a regulator has one unrevealed draw at a time. */
const freshRegulator = () => registerOrgIn(service, adminToken, 'regulator', 'CN-GD Zhuhai');
const draws = async () => ((await get(`${DRAWS}?limit=100`)).body.draws as { id: string }[]).map((d) => d.id);

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Zhuhai');
  otherFactory = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Zhuhai');
  gd = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Zhuhai');
  gdOther = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Foshan');
  zj = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  national = await registerOrgIn(service, adminToken, 'regulator', 'CN');
  helmet = freshGtin();
  respirator = freshGtin();
  await registerProduct(service, factory.token, helmet, 'safety_helmet');
  await registerProduct(service, factory.token, respirator, 'respirator');
  for (const lot of ['H1', 'H2', 'H3']) await issueUnits(service, factory.token, helmet, lot, 2);
  await issueUnits(service, factory.token, respirator, 'R1', 2);
});
afterAll(async () => service?.stop());

describe('a scope that cannot be drawn', () => {
  it('is refused when the draw is opened (400), and no draw is opened', async () => {
    const before = await draws();
    const { commitment } = newSecret();
    const refusals: [Org, Record<string, unknown>, string][] = [
      [gd, { inspectorCount: 3, inspectors: (await inspectorsOf(service, gd.token)).slice(0, 2) }, 'TOO_FEW_INSPECTORS'],
      [gd, { scope: { category: 'gloves' } }, 'EMPTY_POPULATION'],
      [gd, { scope: { gtin: helmet } }, 'LOT_NOT_ALLOWED'],
      [gd, { kind: 'organizations', scope: { lot: 'H1' } }, 'LOT_NOT_ALLOWED'],
      [gd, { kind: 'units', scope: { gtin: helmet } }, 'LOT_REQUIRED'],
      [gd, { kind: 'units', scope: { gtin: helmet, lot: 'NOPE' } }, 'UNKNOWN_LOT'],
      [gd, { kind: 'units', scope: { gtin: freshGtin(), lot: 'H1' } }, 'UNKNOWN_LOT'],
      // A national regulator may draw in Zhejiang, but this lot was made in Guangdong.
      [national, { kind: 'units', scope: { province: 'CN-ZJ', gtin: helmet, lot: 'H1' } }, 'LOT_OUTSIDE_SCOPE'],
      // The lot exists but is not of the category the scope names: nothing to draw.
      [gd, { kind: 'units', scope: { category: 'gloves', gtin: helmet, lot: 'H1' } }, 'EMPTY_POPULATION'],
    ];
    for (const [regulator, overrides, code] of refusals) {
      const res = await open(regulator.token, commitment, overrides);
      expect({ overrides, status: res.status, code: res.body.error?.code }).toEqual({ overrides, status: 400, code });
    }
    expect(await draws()).toEqual(before);
  });
});

describe('a draw taken out of order', () => {
  it('answers 404 for a draw that does not exist, on every route', async () => {
    const id = randomUUID();
    const { secret } = newSecret();
    const answers = [
      await post(service, `${DRAWS}/${id}/fix`, gd.token),
      await post(service, `${DRAWS}/${id}/reveal`, gd.token, { secret }),
      await post(service, `${DRAWS}/${id}/results`, gd.token, {
        results: [{ target: `${helmet}:H1`, result: 'pass', testReportRef: 'X' }],
      }),
      await post(service, `${DRAWS}/${id}/results/${encodeURIComponent(`${helmet}:H1`)}/recall`, gd.token),
      await get(`${DRAWS}/${id}`),
      await get(`${DRAWS}/${id}/population`, gd.token),
      await get(`${DRAWS}/${id}/results/${encodeURIComponent(`${helmet}:H1`)}/comparison`, gd.token),
    ];
    expect(answers.map((a) => [a.status, a.body.error?.code])).toEqual(answers.map(() => [404, 'DRAW_NOT_FOUND']));
  });

  it('moves only forward: each step out of order is a 409, and another regulator is refused (403)', async () => {
    const { secret, commitment } = newSecret();
    const opened = await open(gd.token, commitment, { scope: { category: 'safety_helmet' } });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    const result = { results: [{ target: `${helmet}:H1`, result: 'pass', testReportRef: 'R-1' }] };

    const early = await post(service, `${DRAWS}/${id}/reveal`, gd.token, { secret });
    expect([early.status, early.body.error?.code]).toEqual([409, 'NOT_FIXED']);
    const undrawn = await post(service, `${DRAWS}/${id}/results`, gd.token, result);
    expect([undrawn.status, undrawn.body.error?.code]).toEqual([409, 'NOT_DRAWN']);
    const stranger = await post(service, `${DRAWS}/${id}/fix`, gdOther.token);
    expect([stranger.status, stranger.body.error?.code]).toEqual([403, 'NOT_YOUR_DRAW']);
    expect((await getDraw(service, id)).status).toBe('committed');

    expect((await post(service, `${DRAWS}/${id}/fix`, gd.token)).status).toBe(200);
    const inputs = (await getDraw(service, id)).inputs;
    const again = await post(service, `${DRAWS}/${id}/fix`, gd.token);
    expect([again.status, again.body.error?.code]).toEqual([409, 'ALREADY_FIXED']);
    // A second fix would have re-taken the population and re-salted: the published inputs stand.
    expect((await getDraw(service, id)).inputs).toEqual(inputs);

    expect((await post(service, `${DRAWS}/${id}/reveal`, gd.token, { secret })).status).toBe(200);
    const twice = await post(service, `${DRAWS}/${id}/reveal`, gd.token, { secret });
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'ALREADY_REVEALED']);
    const strangerResult = await post(service, `${DRAWS}/${id}/results`, gdOther.token, result);
    expect([strangerResult.status, strangerResult.body.error?.code]).toEqual([403, 'NOT_YOUR_DRAW']);
    expect((await getDraw(service, id)).results).toEqual([]);
  });

  it('refuses to fix a draw left unrevealed past its window (409 DRAW_ABANDONED)', async () => {
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const old = await openDraw(
      { orgId: gd.id, role: 'regulator', clientId: '' },
      {
        scope: { category: 'safety_helmet' },
        kind: 'lots',
        sampleSize: 1,
        inspectors: (await inspectorsOf(service, gd.token)).slice(0, 1),
        inspectorCount: 1,
        commitment: newSecret().commitment,
      },
      dayAgo,
    );
    const fixed = await post(service, `${DRAWS}/${old.id}/fix`, gd.token);
    expect([fixed.status, fixed.body.error?.code]).toEqual([409, 'DRAW_ABANDONED']);
    const published = await getDraw(service, old.id);
    expect(published.status).toBe('abandoned');
    expect(published.inputs).toBeUndefined();
  });
});

describe('a scope that emptied between commit and fix', () => {
  it('is a conflict at the fix (409), and the draw stays committed', async () => {
    const [one, two] = [await freshRegulator(), await freshRegulator()];
    const lots = await open(one.token, newSecret().commitment, { scope: { category: 'respirator' }, sampleSize: 1 });
    const units = await open(two.token, newSecret().commitment, { kind: 'units', scope: { gtin: respirator, lot: 'R1' } });
    expect([lots.status, units.status]).toEqual([201, 201]);
    const recall = await postEvents(service, factory.token, [
      custodyEvent('recall', { lot: { gtin: respirator, lot: 'R1' }, reason: 'filter leaks' }),
    ]);
    expect(recall.status).toBe(200);

    const emptied = await post(service, `${DRAWS}/${lots.body.id}/fix`, one.token);
    expect([emptied.status, emptied.body.error?.code]).toEqual([409, 'EMPTY_POPULATION']);
    // The lot was drawable at commit time: that it is recalled now is a state conflict, not bad input.
    const gone = await post(service, `${DRAWS}/${units.body.id}/fix`, two.token);
    expect([gone.status, gone.body.error?.code]).toEqual([409, 'UNKNOWN_LOT']);
    for (const id of [lots.body.id, units.body.id]) expect((await getDraw(service, id)).status).toBe('committed');
  });
});

describe('results that do not follow the draw', () => {
  let id: string;
  let targets: string[];
  let other: string;
  const results = (body: unknown[]) => post(service, `${DRAWS}/${id}/results`, gd.token, { results: body });
  const recall = (target: string) => post(service, `${DRAWS}/${id}/results/${encodeURIComponent(target)}/recall`, gd.token);
  const comparison = (target: string, token: string) =>
    get(`${DRAWS}/${id}/results/${encodeURIComponent(target)}/comparison`, token);

  beforeAll(async () => {
    const drawn = await completeDraw(service, gd.token, { scope: { category: 'safety_helmet' }, sampleSize: 2 });
    id = drawn.id;
    targets = drawn.targets ?? [];
    other = ['H1', 'H2', 'H3'].map((lot) => `${helmet}:${lot}`).find((lot) => !targets.includes(lot)) ?? '';
  });

  it('refuses a target not drawn, a target named twice and a correction of nothing (400), writing nothing', async () => {
    const [first = '', second = ''] = targets;
    const notDrawn = await results([{ target: other, result: 'fail', testReportRef: 'R-1' }]);
    expect([notDrawn.status, notDrawn.body.error?.code]).toEqual([400, 'NOT_A_TARGET']);
    const twice = await results([
      { target: first, result: 'pass', testReportRef: 'R-1' },
      { target: first, result: 'fail', testReportRef: 'R-2' },
    ]);
    expect([twice.status, twice.body.error?.code]).toEqual([400, 'DUPLICATE_TARGET']);
    const correction = await results([
      { target: first, result: 'pass', testReportRef: 'R-1' },
      { target: second, result: 'fail', testReportRef: 'R-2', corrects: 0 },
    ]);
    expect([correction.status, correction.body.error?.code]).toEqual([400, 'NOTHING_TO_CORRECT']);
    // The good entry of the refused call is not written either.
    expect((await getDraw(service, id)).results).toEqual([]);
  });

  it('recalls only a drawn lot whose latest result failed', async () => {
    const [first = ''] = targets;
    const notDrawn = await recall(other);
    expect([notDrawn.status, notDrawn.body.error?.code]).toEqual([400, 'NOT_A_LOT_TARGET']);
    const noResult = await recall(first);
    expect([noResult.status, noResult.body.error?.code]).toEqual([409, 'RESULT_NOT_FAILED']);
    expect((await results([{ target: first, result: 'pass', testReportRef: 'R-1' }])).status).toBe(201);
    const passed = await recall(first);
    expect([passed.status, passed.body.error?.code]).toEqual([409, 'RESULT_NOT_FAILED']);
  });

  it('has no comparison for a result without a lab report, and keeps it from regulators of other provinces', async () => {
    const [first = ''] = targets;
    const none = await comparison(first, gd.token);
    expect([none.status, none.body.error?.code]).toEqual([404, 'COMPARISON_NOT_FOUND']);
    const neverRecorded = await comparison(other, gd.token);
    expect([neverRecorded.status, neverRecorded.body.error?.code]).toEqual([404, 'COMPARISON_NOT_FOUND']);
    // A national regulator's jurisdiction covers the draw: it gets as far as the missing comparison.
    expect((await comparison(first, national.token)).body.error?.code).toBe('COMPARISON_NOT_FOUND');
    const outside = await comparison(first, zj.token);
    expect([outside.status, outside.body.error?.code]).toEqual([403, 'OUTSIDE_JURISDICTION']);
  });

  it('refuses a lab report for a draw of organizations, whose targets are no product (400)', async () => {
    const drawn = await completeDraw(service, gd.token, { kind: 'organizations', scope: {}, sampleSize: 1, inspectorCount: 1 });
    const [target = ''] = drawn.targets ?? [];
    const res = await post(service, `${DRAWS}/${drawn.id}/results`, gd.token, {
      results: [{ target, result: 'fail', testReportRef: 'R-9', labReport: { labOrgId: factory.id, number: 'LR-1' } }],
    });
    expect([res.status, res.body.error?.code]).toEqual([400, 'LAB_REPORT_NEEDS_PRODUCT']);
    expect((await getDraw(service, drawn.id)).results).toEqual([]);
    // An organizations draw cannot recall: its targets are not lots.
    const recalled = await post(service, `${DRAWS}/${drawn.id}/results/${encodeURIComponent(target)}/recall`, gd.token);
    expect([recalled.status, recalled.body.error?.code]).toEqual([400, 'NOT_A_LOT_TARGET']);
  });
});

describe('reading a draw', () => {
  it('names the organizations an organizations draw picked, narrowed to factories with lots of its category', async () => {
    const drawn = await completeDraw(service, gd.token, {
      kind: 'organizations',
      scope: { category: 'safety_helmet' },
      sampleSize: 1,
      inspectorCount: 1,
    });
    // The other factory of the province has no helmet lot: only this one is in the population.
    expect(drawn.population).toEqual([factory.id]);
    expect(drawn.targets).toEqual([factory.id]);
    const published = (await get(`${DRAWS}/${drawn.id}`)).body;
    expect(published.targetOrganizations).toEqual([{ id: factory.id, name: expect.any(String), region: 'CN-GD Zhuhai' }]);
    const entitled = (await get(`${DRAWS}/${drawn.id}/population`, gd.token)).body;
    expect(entitled).toMatchObject({ population: [factory.id], targets: [factory.id] });
  });

  it("gives any factory a lots draw's population, and a units draw's serials only to the lot's factory", async () => {
    const lots = await open((await freshRegulator()).token, newSecret().commitment, { scope: { category: 'safety_helmet' } });
    const committed = await get(`${DRAWS}/${lots.body.id}/population`, otherFactory.token);
    // Committed, not fixed: no population taken yet, and nothing drawn.
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ status: 'committed', population: [], results: [] });
    expect(committed.body.targets).toBeUndefined();

    const regulator = await freshRegulator();
    const units = await open(regulator.token, newSecret().commitment, { kind: 'units', scope: { gtin: helmet, lot: 'H2' } });
    expect((await post(service, `${DRAWS}/${units.body.id}/fix`, regulator.token)).status).toBe(200);
    const stranger = await get(`${DRAWS}/${units.body.id}/population`, otherFactory.token);
    expect([stranger.status, stranger.body.error?.code]).toEqual([403, 'NOT_YOUR_DRAW']);
    const owner = await get(`${DRAWS}/${units.body.id}/population`, factory.token);
    expect(owner.status).toBe(200);
    expect(owner.body.population).toHaveLength(2);
  });

  it('lists draws newest first, one page at a time, every draw once', async () => {
    const all = await draws();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`${DRAWS}?limit=2${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(page.status).toBe(200);
      const ids = (page.body.draws as { id: string }[]).map((d) => d.id);
      expect(ids.length).toBeLessThanOrEqual(2);
      seen.push(...ids);
      cursor = page.body.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(2);
  });
});

describe('stored draws rewritten behind the service', () => {
  const rewrite = (id: string, expression: string, values?: Record<string, unknown>) =>
    documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: spotCheckDrawKey(id),
        UpdateExpression: expression,
        ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
      }),
    );

  it('refuses to reveal a draw whose fix time was rewritten to steer the service salt (409), and draws nothing', async () => {
    const regulator = await freshRegulator();
    const { secret, commitment } = newSecret();
    const opened = await open(regulator.token, commitment, { scope: { category: 'safety_helmet' } });
    expect((await post(service, `${DRAWS}/${opened.body.id}/fix`, regulator.token)).status).toBe(200);
    // The salt is derived from the fix time: a different stored time is a different salt.
    await rewrite(opened.body.id, 'SET fixedAt = :at', { ':at': '2026-01-01T00:00:00.000Z' });
    const revealed = await post(service, `${DRAWS}/${opened.body.id}/reveal`, regulator.token, { secret });
    expect([revealed.status, revealed.body.error?.code]).toEqual([409, 'DRAW_INPUTS_ALTERED']);
    const published = await getDraw(service, opened.body.id);
    expect(published.status).toBe('fixed');
    expect(published.targets).toBeUndefined();
  });

  it('lets a fixed draw of the retired /1 algorithm lapse rather than reveal it (409), publishing its inputs', async () => {
    const regulator = await freshRegulator();
    const { secret, commitment } = newSecret();
    const opened = await open(regulator.token, commitment, { kind: 'units', scope: { gtin: helmet, lot: 'H3' } });
    expect((await post(service, `${DRAWS}/${opened.body.id}/fix`, regulator.token)).status).toBe(200);
    // A draw fixed before /2: no algorithm named, and a salt fixed in the clear at the fix.
    await rewrite(opened.body.id, 'SET salt = :salt REMOVE algorithm', { ':salt': 'ab'.repeat(32) });
    const revealed = await post(service, `${DRAWS}/${opened.body.id}/reveal`, regulator.token, { secret });
    expect([revealed.status, revealed.body.error?.code]).toEqual([409, 'DRAW_ALGORITHM_RETIRED']);
    // Its public record carries the /1 inputs, but not a units draw's serials.
    const published = await getDraw(service, opened.body.id);
    expect(published.status).toBe('fixed');
    expect(published.inputs).toMatchObject({ algorithm: 'traceseal-spot-check/1', salt: 'ab'.repeat(32) });
    expect(published.inputs?.population).toBeUndefined();
    expect(published.population).toBeUndefined();
  });
});

describe('a units draw citing a lab report', () => {
  it("checks the report against the lab for the lot's product, and refuses one never registered (400)", async () => {
    const regulator = await freshRegulator();
    const drawn = await completeDraw(service, regulator.token, {
      kind: 'units',
      scope: { gtin: helmet, lot: 'H1' },
      sampleSize: 1,
      inspectorCount: 1,
    });
    const population = (await get(`${DRAWS}/${drawn.id}/population`, regulator.token)).body;
    const [target = ''] = (population.targets as string[] | undefined) ?? [];
    const res = await post(service, `${DRAWS}/${drawn.id}/results`, regulator.token, {
      results: [{ target, result: 'fail', testReportRef: 'R-7', labReport: { labOrgId: factory.id, number: 'LR-404' } }],
    });
    expect([res.status, res.body.error?.code]).toEqual([400, 'LAB_REPORT_NOT_FOUND']);
    expect((await getDraw(service, drawn.id)).results).toEqual([]);
  });
});
