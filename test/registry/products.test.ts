import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryWithProduct, freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A factory reads its own products (with how many lots each has) and edits what may change
 * after registration; nobody else reads or edits them, and a refused edit writes nothing.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

type ProductWithLots = Record<string, unknown> & { gtin: string; lotCount: number; name: string };

const readProduct = async (token: string, gtin: string) => {
  const res = await service.call('GET', `/v1/products/${gtin}`, { token });
  return { status: res.status, body: (await res.json()) as ProductWithLots & { error?: { code: string } } };
};

describe("a factory's products", () => {
  let owner: Awaited<ReturnType<typeof factoryWithProduct>>;
  let second: string;
  beforeAll(async () => {
    owner = await factoryWithProduct(service, adminToken);
    second = freshGtin();
    const res = await service.call('POST', '/v1/products', {
      token: owner.factory.token,
      body: { ...productBody(second), name: 'Safety helmet', names: { zh: '安全帽', en: 'Safety helmet' } },
    });
    expect(res.status).toBe(201);
    for (const lot of ['L1', 'L2']) {
      const batch = await service.call('POST', '/v1/batches', {
        token: owner.factory.token,
        body: { gtin: second, lot, productionDate: '2026-03-01', count: 2 },
      });
      expect(batch.status).toBe(201);
    }
  });

  it('lists only its own, in the order registered, each with its lot count, a page at a time', async () => {
    const other = await factoryWithProduct(service, adminToken);
    const res = await service.call('GET', '/v1/products', { token: owner.factory.token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { products: ProductWithLots[]; cursor?: string };
    expect(body.products.map((p) => [p.gtin, p.lotCount])).toEqual([
      [owner.gtin, 0],
      [second, 2],
    ]);
    expect(body.products[1]).toMatchObject({ names: { zh: '安全帽', en: 'Safety helmet' }, serviceLifeMonths: 60 });
    expect(body.products[0]).not.toHaveProperty('serialKey');
    expect(body.products[0]).not.toHaveProperty('gsi1pk');
    expect(body.cursor).toBeUndefined();

    const first = await service.call('GET', '/v1/products?limit=1', { token: owner.factory.token });
    const page = (await first.json()) as { products: ProductWithLots[]; cursor: string };
    expect(page.products.map((p) => p.gtin)).toEqual([owner.gtin]);
    const next = await service.call('GET', `/v1/products?limit=1&cursor=${encodeURIComponent(page.cursor)}`, {
      token: owner.factory.token,
    });
    expect(((await next.json()) as { products: ProductWithLots[] }).products.map((p) => p.gtin)).toEqual([second]);

    // Another factory's cursor-free listing holds only its own product.
    const theirs = await service.call('GET', '/v1/products', { token: other.factory.token });
    expect(((await theirs.json()) as { products: ProductWithLots[] }).products.map((p) => p.gtin)).toEqual([other.gtin]);
  });

  it('reads one to its owner only', async () => {
    expect(await readProduct(owner.factory.token, second)).toMatchObject({ status: 200, body: { gtin: second, lotCount: 2 } });
    const other = await registerOrg(service, 'factory', adminToken);
    expect((await readProduct(other.token, second)).body.error?.code).toBe('NOT_PRODUCT_OWNER');
    const distributor = await registerOrg(service, 'distributor', adminToken);
    expect((await readProduct(distributor.token, second)).status).toBe(403);
    expect((await readProduct(owner.factory.token, freshGtin())).status).toBe(404);
  });

  it('lets its owner change its names, LA certificate and service life, and leaves out what was not sent', async () => {
    const res = await service.call('PATCH', `/v1/products/${second}`, {
      token: owner.factory.token,
      body: {
        names: { zh: '安全帽 II 型', en: 'Safety helmet, type II' },
        laCertificate: { number: 'LA-2027-42', validUntil: '2031-06-30' },
        serviceLifeMonths: 36,
      },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as ProductWithLots & { updatedAt: string };
    expect(updated).toMatchObject({
      gtin: second,
      name: 'Safety helmet',
      names: { zh: '安全帽 II 型', en: 'Safety helmet, type II' },
      laCertificate: { number: 'LA-2027-42', validUntil: '2031-06-30' },
      serviceLifeMonths: 36,
      category: 'fall_arrest_harness',
    });
    expect(updated).not.toHaveProperty('updatedBy');
    expect(Date.parse(updated.updatedAt)).not.toBeNaN();
    expect((await readProduct(owner.factory.token, second)).body).toMatchObject({ serviceLifeMonths: 36, lotCount: 2 });
  });

  it('refuses another factory, a distributor and bad input, and writes nothing then', async () => {
    const before = (await readProduct(owner.factory.token, owner.gtin)).body;
    const other = await registerOrg(service, 'factory', adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const attempts: [string, Record<string, unknown>, number, string][] = [
      [other.token, { name: 'Stolen' }, 403, 'NOT_PRODUCT_OWNER'],
      [distributor.token, { name: 'Stolen' }, 403, 'ROLE_NOT_ALLOWED'],
      [owner.factory.token, {}, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { serviceLifeMonths: 0 }, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { laCertificate: { number: 'LA-1', validUntil: '2031-02-30' } }, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { category: 'gloves' }, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { gtin: freshGtin(), name: 'Other' }, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { ownerOrgId: other.id }, 400, 'VALIDATION_FAILED'],
      [owner.factory.token, { names: { fr: 'Casque' } }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [token, body, status, code] of attempts) {
      const res = await service.call('PATCH', `/v1/products/${owner.gtin}`, { token, body });
      const answer = (await res.json()) as { error?: { code: string } };
      expect([res.status, answer.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await readProduct(owner.factory.token, owner.gtin)).body).toEqual(before);
  });
});
