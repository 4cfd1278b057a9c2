import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * ECDSA malleability replayed through the API: the label's signature (r, s) has a twin
 * (r, n − s) that any ECDSA verifier accepts. Only the low-S one we print is genuine.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

/** The same URI with AI 8030's signature replaced by its high-S twin. */
const withTwinSignature = (uri: string): string => {
  const url = new URL(uri);
  const digsig = url.searchParams.get('8030') ?? '';
  const signature = Buffer.from(digsig.slice(4), 'base64url');
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  expect(s <= N / 2n).toBe(true);
  const twin = Buffer.concat([signature.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')]);
  url.searchParams.set('8030', digsig.slice(0, 4) + twin.toString('base64url'));
  return url.toString();
};

const scan = async (uri: string) => {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as { status: string; invalidReason?: string } };
};

describe('one label, one valid signature', () => {
  it('a unit label with s replaced by n − s scans invalid (signature_mismatch), the printed one genuine', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await service.call('POST', '/v1/batches', {
      token: factory.token,
      body: { gtin, lot: 'LOWS-1', productionDate: '2026-11-01', count: 20 },
    });
    expect(res.status).toBe(201);
    const { codes } = (await res.json()) as { codes: string[] };
    for (const uri of codes) {
      const printed = await scan(uri);
      expect(printed.body.status).toBe('genuine');
      const twin = await scan(withTwinSignature(uri));
      expect(twin.status).toBe(200);
      expect(twin.body).toMatchObject({ status: 'invalid', invalidReason: 'signature_mismatch' });
    }
  });

  it('a container label with s replaced by n − s scans invalid, and a custody event naming it is refused', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const res = await service.call('POST', '/v1/containers', { token: factory.token, body: { kind: 'pallet', count: 5 } });
    expect(res.status).toBe(201);
    const { codes } = (await res.json()) as { codes: { uri: string }[] };
    for (const { uri } of codes) {
      expect((await scan(uri)).body.status).toBe('genuine');
      expect((await scan(withTwinSignature(uri))).body).toMatchObject({ status: 'invalid', invalidReason: 'signature_mismatch' });
    }
    const first = codes[0]?.uri ?? '';
    const event = await service.call('POST', '/v1/events', {
      token: factory.token,
      body: {
        events: [
          {
            bizStep: 'destroying',
            eventTime: new Date().toISOString(),
            eventTimeZoneOffset: '+00:00',
            epcs: [withTwinSignature(first)],
          },
        ],
      },
    });
    const answer = (await event.json()) as { results: { status: string; error?: { code: string } }[] };
    expect(answer.results[0]).toMatchObject({ status: 'rejected', error: { code: 'INVALID_SIGNATURE' } });
  });
});
