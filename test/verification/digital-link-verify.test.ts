import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/** The public verify route reads GS1-equivalent spellings of a label as that label. */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const verdictOf = async (uri: string) => {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('verifying GS1-equivalent spellings of a label', () => {
  let uri = '';
  beforeAll(async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'L-1', productionDate: '2026-10-01', count: 1 },
    });
    [uri = ''] = ((await res.json()) as { codes: string[] }).codes;
  });

  it('verifies a percent-encoded lot (L%2D1) exactly as the printed L-1', async () => {
    const plain = await verdictOf(uri);
    expect(plain.body.status).toBe('genuine');
    const encoded = await verdictOf(uri.replace('/10/L-1/', '/10/L%2D1/'));
    expect(encoded.status).toBe(200);
    expect({ ...encoded.body, checkedAt: undefined }).toEqual({ ...plain.body, checkedAt: undefined });
  });

  it('never shows an extra data attribute as verified data', async () => {
    const withExpiry = await verdictOf(`${uri}&17=991231&10=FAKE`);
    expect(withExpiry.body.status).toBe('genuine');
    expect(JSON.stringify(withExpiry.body)).not.toContain('991231');
    expect(JSON.stringify(withExpiry.body)).not.toContain('FAKE');
  });

  it('answers 400, uncached, for two AI 8030 values', async () => {
    const digsig = new URL(uri).searchParams.get('8030') ?? '';
    const res = await fetch(`${uri}&8030=${digsig}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers invalid, not an error, for a lot GS1 allows but TraceSeal never signs (L%211 is L!1)', async () => {
    const other = await verdictOf(uri.replace('/10/L-1/', '/10/L%211/'));
    expect(other.status).toBe(200);
    expect(other.body.status).toBe('invalid');
  });

  it('refuses a lot outside GS1 character set 82 (L%201 is "L 1") with 400', async () => {
    expect((await fetch(uri.replace('/10/L-1/', '/10/L%201/'))).status).toBe(400);
  });
});
