import { GTIN, LOT } from './in-memory-codes';

/** A factory, a product and one batch of `count` signed unit codes on a running local runtime, through the API. */
export const seedCodes = async (
  runtime: { url: string; issuer: { issueToken(claims: { orgId: string; role: 'admin' | 'factory' }): Promise<string> } },
  count: number,
  lot = LOT,
): Promise<string[]> => {
  const call = async (path: string, token: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const admin = await runtime.issuer.issueToken({ orgId: 'bench-admin', role: 'admin' });
  const org = (await call('/v1/orgs', admin, {
    name: 'Bench Factory',
    role: 'factory',
    region: 'CN-ZJ Hangzhou',
    licenseNumber: 'BENCH-0001',
  })) as { id: string };
  const factory = await runtime.issuer.issueToken({ orgId: org.id, role: 'factory' });
  await call('/v1/products', factory, {
    gtin: GTIN,
    name: 'Bench helmet',
    category: 'safety_helmet',
    standard: 'GB 2811-2019',
    laCertificate: { number: 'LA-BENCH-1', validUntil: '2030-12-31' },
    serviceLifeMonths: 36,
  });
  const { codes } = (await call('/v1/batches', factory, { gtin: GTIN, lot, productionDate: '2026-11-01', count })) as {
    codes: string[];
  };
  return codes;
};
