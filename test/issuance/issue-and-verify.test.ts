import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigitalLink } from '#kernel/codes/digital-link';
import { factoryWithProduct, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const issue = (token: string, body: unknown, headers?: Record<string, string>) =>
  service.call('POST', '/v1/batches', { token, body, headers });

describe('issuing and verifying codes through the local gateway and DynamoDB Local', () => {
  it('issues a batch whose every code verifies as genuine, with distinct serials', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await issue(factory.token, { gtin, lot: 'L-001', productionDate: '2026-10-01', count: 50 });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { batch: { id: string; count: number; status: string }; codes: string[] };
    expect(body.batch).toMatchObject({ count: 50, status: 'issued' });
    expect(body.codes).toHaveLength(50);
    const serials = body.codes.map((uri) => parseDigitalLink(uri).serial);
    expect(new Set(serials).size).toBe(50);

    for (const uri of body.codes.slice(0, 5)) {
      const verdict = await fetch(uri, { headers: { accept: 'application/json' } });
      expect(verdict.status).toBe(200);
      expect(verdict.headers.get('cache-control')).toMatch(/public.*s-maxage=\d+/);
      const result = (await verdict.json()) as { status: string; batch: { lot: string; endOfServiceLife: string } };
      expect(result.status).toBe('genuine');
      expect(result.batch).toMatchObject({ lot: 'L-001', endOfServiceLife: '2031-10-01' });
    }
  });

  it('answers invalid for an altered code and unknown for nothing, never 5xx', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await issue(factory.token, { gtin, lot: 'L-ALT', productionDate: '2026-10-01', count: 2 });
    const [uri = ''] = ((await res.json()) as { codes: string[] }).codes;
    const altered = uri.replace('/10/L-ALT/', '/10/L-ALX/');
    const verdict = (await (await fetch(altered, { headers: { accept: 'application/json' } })).json()) as { status: string };
    expect(verdict.status).toBe('invalid');

    const garbage = await service.call('GET', `/01/${gtin}/10/L-ALT/21/NOPE?8030=short`);
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('cache-control')).toBe('no-store');
  });

  it('returns the same batch for a retried Idempotency-Key and refuses a reused key with another body', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const body = { gtin, lot: 'L-IDEM', productionDate: '2026-10-01', count: 10 };
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const first = await issue(factory.token, body, headers);
    const second = await issue(factory.token, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const a = (await first.json()) as { batch: { id: string }; codes: string[] };
    const b = (await second.json()) as { batch: { id: string }; codes: string[] };
    expect(b.batch.id).toBe(a.batch.id);
    expect(b.codes).toEqual(a.codes);

    const reused = await issue(factory.token, { ...body, count: 11 }, headers);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a second batch for the same lot and another factory issuing for this GTIN', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const body = { gtin, lot: 'L-DUP', productionDate: '2026-10-01', count: 1 };
    expect((await issue(factory.token, body)).status).toBe(201);
    const again = await issue(factory.token, body);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('LOT_EXISTS');

    const other = await registerOrg(service, 'factory', adminToken);
    const foreign = await issue(other.token, { ...body, lot: 'L-FOREIGN' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('NOT_PRODUCT_OWNER');
  });

  it('refuses duplicate GTINs and products from non-factories', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const dup = await service.call('POST', '/v1/products', { token: factory.token, body: productBody(gtin) });
    expect(dup.status).toBe(409);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const wrongRole = await service.call('POST', '/v1/products', { token: distributor.token, body: productBody(gtin) });
    expect(wrongRole.status).toBe(403);
  });
});
