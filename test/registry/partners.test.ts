import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { orgKey } from '#kernel/db/item-keys';
import { backfillOrgRegionIndexPage } from '#shared/registry/store/org-region-repository';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { freshGtin, freshLicense, productBody } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

// Names unique to this run, so other tests' organizations never match.
const tag = `Q${Date.now().toString(36).slice(-5)}`;

const register = async (name: string, role: string, region = 'CN-AH Hefei', extra: Record<string, unknown> = {}) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name, role, region, licenseNumber: freshLicense(), ...extra },
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await service.token(id, role as never) };
};

type Partners = { items: { id: string; name: string; role: string; region: string }[]; more: boolean };
const search = async (token: string, q: string, limit?: number) => {
  const params = new URLSearchParams({ q, ...(limit === undefined ? {} : { limit: String(limit) }) });
  const res = await service.call('GET', `/v1/partners?${params}`, { token });
  return { status: res.status, body: (await res.json()) as Partners & { error?: { code: string; details?: unknown } } };
};

describe('the partner directory', () => {
  let factory: Awaited<ReturnType<typeof register>>;
  let shop: Awaited<ReturnType<typeof register>>;
  beforeAll(async () => {
    factory = await register(`${tag} Hefei Helmets`, 'factory');
    shop = await register(`${tag} Wuhu Safety Supply`, 'distributor', 'CN-AH Wuhu');
    await register(`${tag} Anhui SAMR`, 'regulator');
    await register(`${tag} Hefei Test Lab`, 'lab', 'CN-AH Hefei', {
      accreditation: {
        scheme: 'CNAS',
        number: 'CNAS L1',
        standards: ['GB 2811-2019'],
        validFrom: '2026-01-01',
        validUntil: '2030-01-01',
      },
    });
  });

  it('finds trading partners by the start of their name or of a later word, with what a shipment needs', async () => {
    const byName = await search(factory.token, `${tag.toLowerCase()} wuhu`);
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual({
      items: [{ id: shop.id, name: `${tag} Wuhu Safety Supply`, role: 'distributor', region: 'CN-AH Wuhu' }],
      more: false,
    });
    const byWord = await search(shop.token, 'Hefei Helm');
    expect(byWord.body.items.map((item) => item.id)).toContain(factory.id);
  });

  it('never lists regulators, labs, admins or the caller itself, nor licence numbers', async () => {
    const all = await search(factory.token, tag);
    expect(all.body.items.map((item) => item.role).sort()).toEqual(['distributor']);
    expect(JSON.stringify(all.body)).not.toMatch(/licen[cs]e/i);
  });

  it('answers a few at a time and says more match', async () => {
    for (const n of [1, 2, 3]) await register(`${tag} Branch ${n}`, 'distributor');
    const page = await search(shop.token, `${tag} Branch`, 2);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.more).toBe(true);
  });

  it('refuses a query too short to narrow the registry, and anyone but a trading party', async () => {
    const short = await search(factory.token, ' H ');
    expect(short.status).toBe(400);
    const regulator = await register(`${tag} Other SAMR`, 'regulator');
    expect((await search(regulator.token, tag)).status).toBe(403);
    expect((await service.call('GET', `/v1/partners?q=${tag}`)).status).toBe(401);
    const tooMany = await search(factory.token, tag, 21);
    expect(tooMany.status).toBe(400);
  });

  it("ships to the id the directory gives, and the receiver's inventory shows it incoming", async () => {
    const fullGtin = freshGtin();
    expect((await service.call('POST', '/v1/products', { token: factory.token, body: productBody(fullGtin) })).status).toBe(201);
    const [code = ''] = await issueUnits(service, factory.token, fullGtin, `P${Date.now() % 1e6}`, 1);
    const [destination] = (await search(factory.token, `${tag} Wuhu`)).body.items;
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [code], destination: destination?.id }),
    ]);
    expect(shipped.results[0]?.status).toBe('recorded');
    const incoming = await service.call('GET', '/v1/inventory?which=incoming', { token: shop.token });
    expect(((await incoming.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('files organizations registered before the directory when the back-fill runs', async () => {
    const legacy = {
      id: randomUUID(),
      name: `${tag} Legacy Works`,
      role: 'distributor',
      region: 'CN-HB Wuhan',
      licenseNumber: 'L-9',
    };
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...orgKey(legacy.id), type: 'org', ...legacy, createdAt: '2025-01-01T00:00:00Z' },
      }),
    );
    expect((await search(factory.token, `${tag} Legacy`)).body.items).toEqual([]);
    let next: Record<string, unknown> | undefined;
    do next = (await backfillOrgRegionIndexPage(next)).next;
    while (next !== undefined);
    expect((await search(factory.token, `${tag} Legacy`)).body.items).toEqual([
      { id: legacy.id, name: legacy.name, role: 'distributor', region: 'CN-HB Wuhan' },
    ]);
  });
});
