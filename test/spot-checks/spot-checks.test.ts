import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { orgKey } from '#kernel/db/item-keys';
import { getBatchByLot } from '#shared/issuance/store/batch-repository';
import { backfillOrgRegionIndexPage, listOrganizationIdsOfRegion } from '#shared/registry/store/org-region-repository';
import { openDraw } from '#shared/spot-checks/services/spot-check-service';
import { issueUnits, scan } from '../support/custody';
import { freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { registerOrgIn } from '../support/reports';
import { completeDraw, drawBody, getDraw, inspectorsOf, newSecret, post, registerProduct } from '../support/spot-checks';

/**
 * "Double random" spot checks through the real local service: commit, fix, reveal,
 * results and recall, the published record, its offline reproduction, and the attacks the
 * commit–reveal scheme and the roles exist to stop.
 */
const run = promisify(execFile);
let service: TestService;
let adminToken: string;
type Org = { id: string; token: string };
let factoryA: Org;
let factoryB: Org;
let distributor: Org;
let gd: Org;
let gdOther: Org;
let zj: Org;
let national: Org;
let gtinA: string;
let gtinB: string;
let gtinHelmet: string;
let unitCodes: string[];
const codesOfLot = new Map<string, string[]>();
const DRAWS = '/v1/spot-checks/draws';

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factoryA = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Guangzhou');
  factoryB = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  const factoryZ = await registerOrgIn(service, adminToken, 'factory', 'CN-ZJ Hangzhou');
  distributor = await registerOrgIn(service, adminToken, 'distributor', 'CN-GD Shenzhen');
  gd = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Shenzhen');
  gdOther = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Foshan');
  zj = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  national = await registerOrgIn(service, adminToken, 'regulator', 'CN');
  gtinA = freshGtin();
  gtinB = freshGtin();
  gtinHelmet = freshGtin();
  const gtinZ = freshGtin();
  await registerProduct(service, factoryA.token, gtinA, 'fall_arrest_harness');
  await registerProduct(service, factoryA.token, gtinHelmet, 'safety_helmet');
  await registerProduct(service, factoryB.token, gtinB, 'fall_arrest_harness');
  await registerProduct(service, factoryZ.token, gtinZ, 'fall_arrest_harness');
  codesOfLot.set(`${gtinA}:A1`, await issueUnits(service, factoryA.token, gtinA, 'A1', 3));
  codesOfLot.set(`${gtinA}:A2`, await issueUnits(service, factoryA.token, gtinA, 'A2', 2));
  // The units draw's lot: not a harness, so the lot draw (and its recall) never touches it.
  unitCodes = await issueUnits(service, factoryA.token, gtinHelmet, 'H1', 3);
  codesOfLot.set(`${gtinB}:B1`, await issueUnits(service, factoryB.token, gtinB, 'B1', 1));
  await issueUnits(service, factoryZ.token, gtinZ, 'Z1', 1);
});
afterAll(async () => service?.stop());

const harnessLots = () => [`${gtinA}:A1`, `${gtinA}:A2`, `${gtinB}:B1`].sort();

describe('a spot-check draw, end to end', () => {
  let drawId: string;

  it('commits, fixes the population from the indexes, reveals and publishes every step', async () => {
    const { secret, commitment } = newSecret();
    const body = await drawBody(service, gd.token, commitment, { scope: { category: 'fall_arrest_harness' } });
    const opened = await post(service, DRAWS, gd.token, body);
    expect(opened.status).toBe(201);
    drawId = opened.body.id;
    expect(await getDraw(service, drawId)).toMatchObject({ status: 'committed', commitment });
    expect((await getDraw(service, drawId)).inputs).toBeUndefined();

    const fixed = await post(service, `${DRAWS}/${drawId}/fix`, gd.token);
    expect(fixed.status).toBe(200);
    const published = await getDraw(service, drawId);
    expect(published.status).toBe('fixed');
    // The scope's harness lots in Guangdong: not the helmet lot, not Zhejiang's.
    expect(published.population).toEqual(harnessLots());
    expect(published.inputs?.population.size).toBe(3);
    expect(published.inputs?.serviceSaltCommitment).toMatch(/^[0-9a-f]{64}$/);
    expect(published.secret).toBeUndefined();
    expect(published.serviceSalt).toBeUndefined();

    const revealed = await post(service, `${DRAWS}/${drawId}/reveal`, gd.token, { secret });
    expect(revealed.status).toBe(200);
    const drawn = await getDraw(service, drawId);
    expect(drawn).toMatchObject({ status: 'drawn', secret });
    expect(drawn.serviceSalt).toMatch(/^[0-9a-f]{64}$/);
    expect(drawn.targets).toHaveLength(2);
    expect(drawn.targets?.every((t) => harnessLots().includes(t))).toBe(true);
    expect(drawn.selectedInspectors).toHaveLength(2);

    const list = (await (await service.call('GET', DRAWS)).json()) as { draws: { id: string; status: string }[] };
    expect(list.draws.find((d) => d.id === drawId)?.status).toBe('drawn');
  });

  it('is reproduced offline by npm run reproduce-draw, which fails on a tampered copy', async () => {
    const script = join(process.cwd(), 'scripts/reproduce-draw.ts');
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const ok = await run(tsx, [script, `${service.url}${DRAWS}/${drawId}`]);
    expect(JSON.parse(ok.stdout).targets).toEqual((await getDraw(service, drawId)).targets);

    const dir = await mkdtemp(join(tmpdir(), 'draw-'));
    try {
      const draw = await getDraw(service, drawId);
      const file = join(dir, 'draw.json');
      await writeFile(file, JSON.stringify({ ...draw, targets: [...(draw.targets ?? [])].reverse() }));
      await expect(run(tsx, [script, file])).rejects.toMatchObject({ code: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('records results append-only: a second result is refused, a correction names the entry it corrects', async () => {
    const [first = '', second = ''] = (await getDraw(service, drawId)).targets ?? [];
    const recorded = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [
        { target: first, result: 'pass', testReportRef: 'GD-QT-2026-001' },
        { target: second, result: 'fail', testReportRef: 'GD-QT-2026-002', note: 'Webbing tore at 12 kN' },
      ],
    });
    expect(recorded.status).toBe(201);
    // Attack: rewriting a recorded result.
    const rewrite = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [{ target: second, result: 'pass', testReportRef: 'GD-QT-2026-002' }],
    });
    expect(rewrite.status).toBe(409);
    expect(rewrite.body.error?.code).toBe('RESULT_ALREADY_RECORDED');
    const stale = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [{ target: first, result: 'fail', testReportRef: 'GD-QT-2026-001b', corrects: 5 }],
    });
    expect(stale.status).toBe(409);
    const corrected = await post(service, `${DRAWS}/${drawId}/results`, gd.token, {
      results: [{ target: first, result: 'fail', testReportRef: 'GD-QT-2026-001b', corrects: 0 }],
    });
    expect(corrected.status).toBe(201);
    const results = (await getDraw(service, drawId)).results ?? [];
    expect(results.filter((r) => r.target === first).map((r) => [r.n, r.result])).toEqual([
      [0, 'pass'],
      [1, 'fail'],
    ]);
    const [gtin = '', lot = ''] = second.split(':');
    expect((await getBatchByLot(gtin, lot))?.spotCheck).toMatchObject({
      result: 'fail',
      drawId,
      testReportRef: 'GD-QT-2026-002',
    });
    // Every scan of the failed lot says so, before any recall.
    const [code = ''] = codesOfLot.get(second) ?? [];
    const verdict = (await scan(code)) as unknown as { status: string; batch?: { spotCheckFailed?: unknown } };
    expect(verdict.status).toBe('genuine');
    expect(verdict.batch?.spotCheckFailed).toMatchObject({ drawId, testReportRef: 'GD-QT-2026-002' });
  });

  it('recalls a failed lot from its result, as the regulator, once', async () => {
    const targets = (await getDraw(service, drawId)).targets ?? [];
    const target = targets[1] ?? '';
    const path = `${DRAWS}/${drawId}/results/${encodeURIComponent(target)}/recall`;
    // A factory may not recall through a spot check.
    expect((await post(service, path, factoryA.token)).status).toBe(403);
    const recalled = await post(service, path, gd.token);
    expect(recalled.status).toBe(200);
    expect(recalled.body).toMatchObject({ status: 'recorded' });
    const [gtin = '', lot = ''] = target.split(':');
    expect((await getBatchByLot(gtin, lot))?.recallReason).toContain(drawId);
    expect((await post(service, path, gd.token)).body).toMatchObject({ status: 'duplicate' });
  });
});

describe('attacks on the draw', () => {
  it('refuses a revealed secret that is not the committed one (400), and the draw stays open', async () => {
    const { secret, commitment } = newSecret();
    const { body } = await post(service, DRAWS, gdOther.token, await drawBody(service, gdOther.token, commitment));
    await post(service, `${DRAWS}/${body.id}/fix`, gdOther.token);
    const wrong = await post(service, `${DRAWS}/${body.id}/reveal`, gdOther.token, { secret: newSecret().secret });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.code).toBe('SECRET_MISMATCH');
    expect((await getDraw(service, body.id)).status).toBe('fixed');

    // Attack: fixing again to get another salt and population.
    const refix = await post(service, `${DRAWS}/${body.id}/fix`, gdOther.token);
    expect(refix.status).toBe(409);
    expect(refix.body.error?.code).toBe('ALREADY_FIXED');

    // Attack: opening a second draw to keep the nicer outcome.
    const second = await post(service, DRAWS, gdOther.token, await drawBody(service, gdOther.token, newSecret().commitment));
    expect(second.status).toBe(409);
    expect(second.body.error?.code).toBe('OPEN_DRAW_EXISTS');

    expect((await post(service, `${DRAWS}/${body.id}/reveal`, gdOther.token, { secret })).status).toBe(200);
    expect(
      (await post(service, DRAWS, gdOther.token, await drawBody(service, gdOther.token, newSecret().commitment))).status,
    ).toBe(201);
  });

  it('refuses every write route to factories and distributors (403)', async () => {
    const drawn = await completeDraw(service, zj.token, { scope: {}, sampleSize: 1 });
    const target = encodeURIComponent(drawn.targets?.[0] ?? '');
    const body = await drawBody(service, zj.token, newSecret().commitment);
    for (const org of [factoryA, distributor]) {
      const calls = [
        post(service, DRAWS, org.token, body),
        post(service, `${DRAWS}/${drawn.id}/fix`, org.token),
        post(service, `${DRAWS}/${drawn.id}/reveal`, org.token, { secret: newSecret().secret }),
        post(service, `${DRAWS}/${drawn.id}/results`, org.token, {
          results: [{ target: drawn.targets?.[0], result: 'fail', testReportRef: 'X' }],
        }),
        post(service, `${DRAWS}/${drawn.id}/results/${target}/recall`, org.token),
      ];
      expect((await Promise.all(calls)).map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    }
    // Another regulator may not touch someone else's draw either.
    const foreign = await post(service, `${DRAWS}/${drawn.id}/results`, gd.token, {
      results: [{ target: drawn.targets?.[0], result: 'fail', testReportRef: 'X' }],
    });
    expect(foreign.status).toBe(403);
  });

  it('refuses a regulator drawing in another province (403); a national regulator may', async () => {
    const foreign = await post(
      service,
      DRAWS,
      zj.token,
      await drawBody(service, zj.token, newSecret().commitment, { scope: { province: 'CN-GD' } }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error?.code).toBe('OUTSIDE_JURISDICTION');
    const drawn = await completeDraw(service, national.token, {
      kind: 'units',
      scope: { province: 'CN-GD', gtin: gtinHelmet, lot: 'H1' },
      sampleSize: 2,
    });
    const serials = unitCodes.map((uri) => /\/21\/([^/?]+)/.exec(uri)?.[1]).sort();
    const held = await service.call('GET', `${DRAWS}/${drawn.id}/population`, { token: national.token });
    expect(((await held.json()) as { population: string[] }).population).toEqual(serials);
    expect(drawn.targets?.every((t) => serials.includes(t))).toBe(true);
  });

  it('publishes an unrevealed draw as abandoned after 24 hours, and then allows a new one', async () => {
    const late = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Zhuhai');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const old = await openDraw(
      { orgId: late.id, role: 'regulator', clientId: '' },
      {
        scope: {},
        kind: 'organizations',
        sampleSize: 1,
        inspectors: (await inspectorsOf(service, late.token)).slice(0, 1),
        inspectorCount: 1,
        commitment: newSecret().commitment,
      },
      dayAgo,
    );
    expect((await getDraw(service, old.id)).status).toBe('abandoned');
    expect((await post(service, `${DRAWS}/${old.id}/fix`, late.token)).body.error?.code).toBe('DRAW_ABANDONED');
    const fresh = await completeDraw(service, late.token, { kind: 'organizations', sampleSize: 5 });
    const published = (await getDraw(service, fresh.id)) as Awaited<ReturnType<typeof getDraw>> & {
      targets?: string[];
      targetOrganizations?: { id: string; name: string; region: string }[];
    };
    expect(published.population).toEqual([factoryA.id, factoryB.id].sort());
    // Its targets named beside their ids, in draw order.
    const regions = new Map([
      [factoryA.id, 'CN-GD Guangzhou'],
      [factoryB.id, 'CN-GD Shenzhen'],
    ]);
    expect(published.targetOrganizations).toEqual(
      (published.targets ?? []).map((id) => ({ id, name: 'Report test factory', region: regions.get(id) })),
    );
    expect(published.targetOrganizations).toHaveLength(2);
  });
});

describe('organization listing by province', () => {
  it('back-fills organizations registered before the listing, resumably and idempotently', async () => {
    const legacy = { id: 'legacy-factory-1', name: 'Old Works', role: 'factory', region: 'CN-HB Wuhan', licenseNumber: 'L-1' };
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...orgKey(legacy.id), type: 'org', ...legacy, createdAt: '2025-01-01T00:00:00Z' },
      }),
    );
    expect(await listOrganizationIdsOfRegion('CN-HB', 'factory')).toEqual([]);
    let next: Record<string, unknown> | undefined;
    let updated = 0;
    do {
      const page = await backfillOrgRegionIndexPage(next);
      updated += page.updated;
      next = page.next;
    } while (next !== undefined);
    expect(updated).toBe(1);
    expect(await listOrganizationIdsOfRegion('CN-HB', 'factory')).toEqual([legacy.id]);
    expect((await backfillOrgRegionIndexPage(undefined)).updated).toBe(0);
  });
});
