import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigitalLink } from '#kernel/codes/digital-link';
import { createSerialCodec } from '#kernel/codes/serial';
import { signCode } from '#kernel/codes/signature';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { isDescribedRoute } from '#shared/app/openapi';
import { ALL_ROUTES } from '#shared/app/routes';
import { getProductRecord } from '#shared/registry/store/product-repository';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('authentication at the gateway and in the handlers', () => {
  it('401 without a token or with one that proves nothing, 403 for a scope the route does not allow, each with its code', async () => {
    const refusal = async (res: Response) => ({ status: res.status, code: await errorCode(res) });
    expect(await refusal(await service.call('POST', '/v1/orgs', { body: {} }))).toEqual({ status: 401, code: 'MISSING_TOKEN' });
    expect(await refusal(await service.call('POST', '/v1/orgs', { body: {}, token: 'not.a.jwt' }))).toEqual({
      status: 401,
      code: 'MALFORMED_TOKEN',
    });
    const factoryToken = await service.token('some-factory', 'factory');
    expect(await refusal(await service.call('POST', '/v1/orgs', { body: {}, token: factoryToken }))).toEqual({
      status: 403,
      code: 'ROLE_NOT_ALLOWED',
    });
  });

  it('a token for an organization that is not registered cannot register products', async () => {
    const token = await service.token('ghost-factory', 'factory');
    const res = await service.call('POST', '/v1/products', {
      token,
      body: {
        gtin: '06952012345676',
        name: 'x',
        category: 'gloves',
        standard: 'GB 28881-2023',
        laCertificate: { number: 'LA', validUntil: '2030-01-01' },
        serviceLifeMonths: 12,
      },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('ORG_NOT_REGISTERED');
  });

  it('duplicate licence numbers in a region are refused', async () => {
    const body = { name: 'Dup', role: 'distributor', region: 'CN-JS Suzhou', licenseNumber: 'DUP-LICENSE-1' };
    expect((await service.call('POST', '/v1/orgs', { token: adminToken, body })).status).toBe(201);
    const again = await service.call('POST', '/v1/orgs', { token: adminToken, body: { ...body, name: 'Other' } });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('LICENSE_EXISTS');
  });
});

describe('batches', () => {
  it('issues 10,000 codes in one call, all distinct, and lists them all', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'BIG-1', productionDate: '2026-11-01', count: 10_000 },
    });
    expect(res.status).toBe(201);
    const { batch, codes } = (await res.json()) as { batch: { id: string }; codes: string[] };
    expect(codes).toHaveLength(10_000);
    expect(new Set(codes.map((uri) => parseDigitalLink(uri).serial)).size).toBe(10_000);

    const list = await service.call('GET', `/v1/batches/${batch.id}/codes?format=ndjson`, { token: factory.token });
    const lines = (await list.text()).trim().split('\n');
    expect(lines).toHaveLength(10_000);
    expect((JSON.parse(lines[9_999] ?? '{}') as { uri: string }).uri).toBe(codes[9_999]);
    const last = codes[9_999] ?? '';
    const verdict = (await (await fetch(last, { headers: { accept: 'application/json' } })).json()) as { status: string };
    expect(verdict.status).toBe('genuine');
  });

  it('refuses counts outside 1..1,000,000 and production dates that are not dates', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    for (const body of [
      { gtin, lot: 'L', productionDate: '2026-11-01', count: 1_000_001 },
      { gtin, lot: 'L', productionDate: '2026-11-01', count: 0 },
      { gtin, lot: 'L', productionDate: '2026-02-30', count: 1 },
      { gtin, lot: 'bad lot!', productionDate: '2026-11-01', count: 1 },
    ]) {
      const res = await service.call('POST', '/v1/batches', { token: factory.token, body });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    }
    const unknown = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin: '00012345600012', lot: 'L', productionDate: '2026-11-01', count: 1 },
    });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('PRODUCT_NOT_FOUND');
  });

  it('shows a batch to its factory and regulators, and to no other factory', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'VIS-1', productionDate: '2026-11-01', count: 1 },
    });
    const { batch } = (await res.json()) as { batch: { id: string } };
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const other = await registerOrg(service, 'factory', adminToken);
    expect((await service.call('GET', `/v1/batches/${batch.id}`, { token: factory.token })).status).toBe(200);
    expect((await service.call('GET', `/v1/batches/${batch.id}`, { token: regulator.token })).status).toBe(200);
    expect((await service.call('GET', `/v1/batches/${batch.id}`, { token: other.token })).status).toBe(404);
    expect((await service.call('GET', `/v1/batches/not-a-uuid`, { token: factory.token })).status).toBe(400);
    const badCursor = await service.call('GET', `/v1/batches/${batch.id}/codes?cursor=eyJwayI6IkJBVENII30`, {
      token: factory.token,
    });
    expect(badCursor.status).toBe(400);
    expect(await errorCode(badCursor)).toBe('INVALID_CURSOR');
    const badFormat = await service.call('GET', `/v1/batches/${batch.id}/codes?format=xml`, { token: factory.token });
    expect(badFormat.status).toBe(400);
  });
});

describe('listing batches', () => {
  it("pages through a factory's own batches, newest first, and nobody else's", async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    for (const lot of ['LIST-1', 'LIST-2', 'LIST-3']) {
      await service.call('POST', '/v1/batches', {
        token: factory.token,
        body: { gtin, lot, productionDate: '2026-11-01', count: 1 },
      });
    }
    const lots: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await service.call('GET', `/v1/batches?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
        token: factory.token,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { batches: { lot: string }[]; cursor?: string };
      lots.push(...page.batches.map((b) => b.lot));
      cursor = page.cursor;
    } while (cursor !== undefined && lots.length < 10);
    expect(lots).toEqual(['LIST-3', 'LIST-2', 'LIST-1']);

    const other = await factoryWithProduct(service, adminToken);
    const theirs = (await (await service.call('GET', '/v1/batches', { token: other.factory.token })).json()) as {
      batches: unknown[];
    };
    expect(theirs.batches).toEqual([]);
    expect((await service.call('GET', '/v1/batches?limit=0', { token: factory.token })).status).toBe(400);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    expect((await service.call('GET', '/v1/batches', { token: distributor.token })).status).toBe(403);
  });
});

describe('verification verdicts', () => {
  it('is unknown when the signature is ours but no such unit was issued', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'UNK-1', productionDate: '2026-11-01', count: 3 },
    });
    const record = await getProductRecord(gtin);
    const codec = createSerialCodec(record?.serialKey ?? new Uint8Array());
    const key = await getActiveSigningKey();
    // A well-formed serial of this GTIN outside every batch, signed with our key: only a
    // leaked key or lost data could produce it, and the answer must not be "genuine".
    for (const { lot, sequence } of [
      { lot: 'UNK-1', sequence: 500 },
      { lot: 'NO-SUCH-LOT', sequence: 1 },
    ]) {
      const serial = codec.encode(sequence);
      const digsig = signCode(key, { gtin, lot, serial });
      const res = await service.call('GET', `/01/${gtin}/10/${lot}/21/${serial}?8030=${digsig}`, {
        headers: { accept: 'application/json' },
      });
      expect(((await res.json()) as { status: string }).status).toBe('unknown');
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes every route with its security and schemas', async () => {
    const res = await service.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ALL_ROUTES.filter(isDescribedRoute)) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.security).toEqual(route.auth === 'public' ? [] : [{ oauth2: route.auth.map((r) => `traceseal/${r}`) }]);
      if (route.body !== undefined) expect(operation?.requestBody).toBeDefined();
      if (route.auth !== 'public')
        expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
