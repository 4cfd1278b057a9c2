import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#kernel/canonical-json';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { spotCheckPopulationKey } from '#kernel/db/item-keys';
import { createDrawStream, shufflePositions } from '#shared/spot-checks/domain/spot-check-draw';
import { issueUnits } from '../support/custody';
import { freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { registerOrgIn } from '../support/reports';
import {
  completeDraw,
  drawBody,
  getDraw,
  newSecret,
  type PublishedDraw,
  post,
  registerInspector,
  registerProduct,
} from '../support/spot-checks';

/**
 * The attacks on spot-check draws that the commit–reveal scheme, the population commitment
 * and registered inspectors exist to stop, replayed through the real local service: a
 * drawing regulator computing its outcome before it decides to reveal, an anonymous caller
 * harvesting a lot's serials from a units draw, and one inspector entered as several.
 */
const run = promisify(execFile);
const DRAWS = '/v1/spot-checks/draws';
type Org = { id: string; token: string };
let service: TestService;
let adminToken: string;
let factory: Org;
let otherFactory: Org;
let distributor: Org;
let gd: Org;
let gdOther: Org;
let zj: Org;
let national: Org;
let gtin: string;
/** The serials of lot U1 (40 units), as printed on its labels. */
let serials: string[];

const sha256 = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const serialOf = (uri: string) => /\/21\/([^/?]+)/.exec(uri)?.[1] ?? '';
const text = async (path: string, token?: string) => {
  const res = await service.call('GET', path, token === undefined ? {} : { token });
  return { status: res.status, body: await res.text() };
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Dongguan');
  otherFactory = await registerOrgIn(service, adminToken, 'factory', 'CN-GD Dongguan');
  distributor = await registerOrgIn(service, adminToken, 'distributor', 'CN-GD Dongguan');
  gd = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Dongguan');
  gdOther = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Foshan');
  zj = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
  national = await registerOrgIn(service, adminToken, 'regulator', 'CN');
  gtin = freshGtin();
  await registerProduct(service, factory.token, gtin, 'safety_helmet');
  serials = (await issueUnits(service, factory.token, gtin, 'U1', 40)).map(serialOf).sort();
});
afterAll(async () => service?.stop());

const unitsDraw = () => ({ kind: 'units', scope: { gtin, lot: 'U1' }, sampleSize: 5 });

describe('a drawing regulator cannot know the outcome while it can still abandon the draw', () => {
  /**
   * What the drawing regulator can compute before revealing, from its secret and everything
   * it has been shown: the seed as `/1` made it (the secret and the inputs), and the same
   * with each published hex value standing in for the salt it does not have.
   */
  const predictions = (secret: string, seen: PublishedDraw[]): string[] => {
    const inputs = seen.find((draw) => draw.inputs !== undefined)?.inputs;
    if (inputs === undefined) throw new Error('the fixed draw publishes its inputs');
    // `/1` published the population list itself; `/2` its size and hash.
    const { population } = inputs as { population: string[] | { size: number } };
    const size = Array.isArray(population) ? population.length : population.size;
    const inputsHash = sha256(Buffer.from(canonicalJson(inputs), 'utf8'));
    const candidates = new Set<string>();
    for (const draw of seen) for (const value of JSON.stringify(draw).match(/[0-9a-f]{64}/g) ?? []) candidates.add(value);
    const seeds = [
      sha256(Buffer.from(secret, 'hex'), inputsHash),
      ...[...candidates].map((salt) => sha256(Buffer.from(secret, 'hex'), inputsHash, Buffer.from(salt, 'hex'))),
    ];
    // The regulator holds the lot's sorted serials: a prediction is the serials at the positions.
    return seeds.map((seed) =>
      shufflePositions(size, 5, createDrawStream(seed).uniform)
        .map((position) => serials[position])
        .join(','),
    );
  };

  it('finds nothing in the fix answer or the public draw that predicts the targets published after the reveal', async () => {
    for (let round = 0; round < 3; round++) {
      const { secret, commitment } = newSecret();
      const opened = await post(service, DRAWS, gd.token, await drawBody(service, gd.token, commitment, unitsDraw()));
      expect(opened.status).toBe(201);
      const fixAnswer = await post(service, `${DRAWS}/${opened.body.id}/fix`, gd.token);
      expect(fixAnswer.status).toBe(200);
      const publicDraw = await getDraw(service, opened.body.id);
      const seen = [opened.body, fixAnswer.body, publicDraw];
      const predicted = predictions(secret, seen);

      const revealed = await post(service, `${DRAWS}/${opened.body.id}/reveal`, gd.token, { secret });
      expect(revealed.status).toBe(200);
      // The drawing regulator's answer names the targets. 5 ordered serials of 40: any one
      // prediction matches by chance once in 78 million.
      expect(revealed.body.targets).toHaveLength(5);
      expect(predicted).not.toContain(revealed.body.targets?.join(','));

      // The service salt was committed to at the fix, and only its hash was shown.
      expect(publicDraw.inputs?.serviceSaltCommitment).toMatch(/^[0-9a-f]{64}$/);
      for (const draw of seen) expect(draw.serviceSalt).toBeUndefined();
      const drawn = await getDraw(service, opened.body.id);
      const salt = drawn.serviceSalt ?? '';
      // The salt was fixed before the reveal (it hashes to the commitment published at the
      // fix), and nothing shown before the reveal held it or the seed.
      expect(sha256(Buffer.from(salt, 'hex')).toString('hex')).toBe(fixAnswer.body.serviceSaltCommitment);
      for (const draw of seen) {
        expect(JSON.stringify(draw)).not.toContain(salt);
        expect(JSON.stringify(draw)).not.toContain(drawn.seed);
      }
      // With the salt, anyone now computes exactly the published draw.
      const inputsHash = sha256(Buffer.from(canonicalJson(drawn.inputs), 'utf8'));
      const seed = sha256(Buffer.from(secret, 'hex'), inputsHash, Buffer.from(salt, 'hex'));
      expect(seed.toString('hex')).toBe(drawn.seed);
      expect(shufflePositions(40, 5, createDrawStream(seed).uniform)).toEqual(drawn.targetPositions);
    }
  });

  it('refuses to reveal a draw whose stored population was rewritten after the fix (409), and draws nothing', async () => {
    const { secret, commitment } = newSecret();
    const opened = await post(service, DRAWS, gdOther.token, await drawBody(service, gdOther.token, commitment, unitsDraw()));
    expect((await post(service, `${DRAWS}/${opened.body.id}/fix`, gdOther.token)).status).toBe(200);
    // Someone with write access to the table narrows the population to three chosen serials.
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...spotCheckPopulationKey(opened.body.id, 0), type: 'spotCheckPopulation', ids: serials.slice(0, 3) },
      }),
    );
    const revealed = await post(service, `${DRAWS}/${opened.body.id}/reveal`, gdOther.token, { secret });
    expect(revealed.status).toBe(409);
    expect(revealed.body.error?.code).toBe('DRAW_INPUTS_ALTERED');
    expect((await getDraw(service, opened.body.id)).status).toBe('fixed');
  });
});

describe('a units draw publishes no serial', () => {
  let drawId: string;

  beforeAll(async () => {
    const drawn = await completeDraw(service, national.token, { ...unitsDraw(), scope: { gtin, lot: 'U1', province: 'CN-GD' } });
    drawId = drawn.id;
    // The drawing regulator's answer names its targets; it records a result on one.
    const [target = ''] = drawn.targets ?? [];
    expect(serials).toContain(target);
    const recorded = await post(service, `${DRAWS}/${drawId}/results`, national.token, {
      results: [{ target, result: 'pass', testReportRef: 'CN-QT-2026-7' }],
    });
    expect(recorded.status).toBe(201);
  });

  it('shows anonymous callers the population by commitment and the targets by position, never a serial', async () => {
    const draw = await text(`${DRAWS}/${drawId}`);
    const listing = await text(`${DRAWS}?limit=100`);
    expect([draw.status, listing.status]).toEqual([200, 200]);
    for (const serial of serials) {
      expect(draw.body).not.toContain(serial);
      expect(listing.body).not.toContain(serial);
    }
    const published = JSON.parse(draw.body) as PublishedDraw;
    expect(published.inputs?.population).toEqual({
      size: 40,
      sha256: sha256(Buffer.from(canonicalJson(serials), 'utf8')).toString('hex'),
    });
    expect(published.targetPositions).toHaveLength(5);
    expect(published.results?.[0]).toMatchObject({ targetPosition: published.targetPositions?.[0], result: 'pass' });
  });

  it('gives the serials to the regulators concerned and the lot’s factory, and to nobody else', async () => {
    const path = `${DRAWS}/${drawId}/population`;
    for (const org of [national, gd, gdOther, factory]) {
      const res = await text(path, org.token);
      expect(res.status, org.id).toBe(200);
      const held = JSON.parse(res.body) as { population: string[]; targets: string[]; results: { target: string }[] };
      expect(held.population).toEqual(serials);
      expect(held.targets).toEqual(
        (JSON.parse((await text(`${DRAWS}/${drawId}`)).body) as PublishedDraw).targetPositions?.map((p) => serials[p]),
      );
      expect(held.results[0]?.target).toBe(held.targets[0]);
    }
    expect((await text(path, zj.token)).status).toBe(403);
    expect((await text(path, otherFactory.token)).status).toBe(403);
    expect((await text(path, distributor.token)).status).toBe(403);
    expect((await text(path)).status).toBe(401);
  });

  it('is reproduced offline by position from the public draw, and by serial with a token', async () => {
    const script = join(process.cwd(), 'scripts/reproduce-draw.ts');
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const url = `${service.url}${DRAWS}/${drawId}`;
    const byPosition = JSON.parse((await run(tsx, [script, url])).stdout) as { targetPositions: number[]; targets?: string[] };
    expect(byPosition.targets).toBeUndefined();
    const bySerial = JSON.parse((await run(tsx, [script, url, '--token', factory.token])).stdout) as { targets: string[] };
    expect(bySerial.targets).toEqual(byPosition.targetPositions.map((p) => serials[p]));
  });
});

describe('inspectors are registered people, not strings', () => {
  it('refuses "LI" and "Li" with a zero-width space beside "Li", and draws refuse raw names', async () => {
    const regulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Zhongshan');
    const li = await registerInspector(service, regulator.token, 'Li');
    const again = await post(service, '/v1/inspectors', regulator.token, { name: 'LI' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('INSPECTOR_NAME_TAKEN');
    const hidden = await post(service, '/v1/inspectors', regulator.token, { name: 'Li\u200b' });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error?.code).toBe('INVALID_INSPECTOR_NAME');
    const listed = await service.call('GET', '/v1/inspectors', { token: regulator.token });
    expect(((await listed.json()) as { inspectors: { id: string; name: string }[] }).inspectors).toEqual([
      expect.objectContaining({ id: li, name: 'Li', active: true }),
    ]);

    const body = async (inspectors: string[], inspectorCount = 1) =>
      post(service, DRAWS, regulator.token, {
        ...(await drawBody(service, regulator.token, newSecret().commitment)),
        inspectors,
        inspectorCount,
      });
    const raw = await body(['Li', 'LI', 'Li\u200b'], 3);
    expect(raw.status).toBe(400);
    expect(raw.body.error?.code).toBe('VALIDATION_FAILED');
    const twice = await body([li, li], 2);
    expect(twice.body.error?.code).toBe('DUPLICATE_INSPECTORS');
    // Another regulator's inspector, or an id nobody registered, is not this regulator's.
    for (const stranger of [await registerInspector(service, zj.token, 'Li'), randomUUID()]) {
      const foreign = await body([li, stranger], 2);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error?.code).toBe('UNKNOWN_INSPECTOR');
    }

    const wang = await registerInspector(service, regulator.token, 'Wang');
    const deactivated = await post(service, `/v1/inspectors/${wang}/deactivate`, regulator.token);
    expect(deactivated.status).toBe(200);
    expect((await body([li, wang])).body.error?.code).toBe('UNKNOWN_INSPECTOR');

    const drawn = await completeDraw(service, regulator.token, { inspectors: [li], inspectorCount: 1, sampleSize: 1 });
    expect((await getDraw(service, drawn.id)).inspectorRoster).toEqual([{ id: li, name: 'Li' }]);
    expect(drawn.selectedInspectors).toEqual([li]);
  });

  it('keeps inspectors to their regulator: others cannot list, register or deactivate them', async () => {
    const owner = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Jiangmen');
    const id = await registerInspector(service, owner.token, 'Zhao');
    const other = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Jiangmen');
    const listed = await service.call('GET', '/v1/inspectors', { token: other.token });
    expect(((await listed.json()) as { inspectors: unknown[] }).inspectors).toEqual([]);
    expect((await post(service, `/v1/inspectors/${id}/deactivate`, other.token)).status).toBe(404);
    expect((await post(service, '/v1/inspectors', factory.token, { name: 'Zhao' })).status).toBe(403);
    expect((await service.call('GET', '/v1/inspectors', { token: factory.token })).status).toBe(403);
    expect((await service.call('GET', '/v1/inspectors')).status).toBe(401);
    for (const bad of [{}, { name: '' }, { name: 'Zhao', extra: 1 }, { name: 7 }]) {
      expect((await post(service, '/v1/inspectors', owner.token, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await post(service, '/v1/inspectors/not-a-uuid/deactivate', owner.token)).status).toBe(400);
  });
});
