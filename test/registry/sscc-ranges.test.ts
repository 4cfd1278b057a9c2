import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidSscc, SHARED_RANGE_SIZE } from '#kernel/codes/sscc';
import type { Role } from '#kernel/roles';
import { reserveContainerReferences } from '#shared/custody/store/container-repository';
import { freshLicense } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Each organization draws its SSCCs from a range of its own, so none can exhaust another's.
 * Ranges are brought near their end through the repository's own counter (one call),
 * not by issuing a million containers.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const errorOf = async (res: Response) => ((await res.json()) as { error?: { code: string; details?: unknown } }).error;

const register = (role: Role, extra: Record<string, unknown> = {}, licenseNumber = freshLicense()) =>
  service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `SSCC ${role}`, role, region: 'CN-ZJ Ningbo', licenseNumber, ...extra },
  });

const registered = async (role: Role, extra: Record<string, unknown> = {}) => {
  const res = await register(role, extra);
  expect(res.status).toBe(201);
  const org = (await res.json()) as { id: string; gs1CompanyPrefix?: string };
  return { ...org, token: await service.token(org.id, role) };
};

const issue = (token: string, kind: 'case' | 'pallet', count: number) =>
  service.call('POST', '/v1/containers', { token, body: { kind, count } });

const issued = async (token: string, kind: 'case' | 'pallet', count: number): Promise<string[]> => {
  const res = await issue(token, kind, count);
  expect(res.status).toBe(201);
  return ((await res.json()) as { codes: { sscc: string }[] }).codes.map((c) => c.sscc);
};

/** extension digit, company prefix, serial reference: the SSCC read back. */
const parts = (sscc: string, prefixLength: number) => ({
  extension: sscc[0],
  prefix: sscc.slice(1, 1 + prefixLength),
  reference: Number(sscc.slice(1 + prefixLength, 17)),
});

describe('organizations without a prefix of their own', () => {
  it("get disjoint ranges of TraceSeal's prefix, and one exhausting its range leaves the other's intact", async () => {
    const a = await registered('factory');
    const b = await registered('distributor');
    const aFirst = (await issued(a.token, 'case', 2)).map((s) => parts(s, 7));
    const bFirst = (await issued(b.token, 'case', 2)).map((s) => parts(s, 7));
    for (const p of [...aFirst, ...bFirst]) expect(p).toMatchObject({ extension: '1', prefix: '0614141' });
    const rangeOf = (reference: number) => Math.floor(reference / SHARED_RANGE_SIZE);
    const aRange = rangeOf(aFirst[0]?.reference ?? -1);
    const bRange = rangeOf(bFirst[0]?.reference ?? -1);
    expect(aRange).toBeGreaterThanOrEqual(1); // range 0 holds references issued before ranges
    expect(bRange).toBeGreaterThanOrEqual(1);
    expect(aRange).not.toBe(bRange);
    expect(aFirst.map((p) => p.reference % SHARED_RANGE_SIZE)).toEqual([0, 1]);

    // A uses up all but one reference of its case range.
    await reserveContainerReferences(a.id, 'case', SHARED_RANGE_SIZE - 3, SHARED_RANGE_SIZE);
    const tooMany = await issue(a.token, 'case', 2);
    expect(tooMany.status).toBe(409);
    expect(await errorOf(tooMany)).toMatchObject({ code: 'SSCC_RANGE_EXHAUSTED', details: { kind: 'case', remaining: 1 } });
    const [last] = await issued(a.token, 'case', 1);
    expect(parts(last ?? '', 7).reference).toBe(aRange * SHARED_RANGE_SIZE + SHARED_RANGE_SIZE - 1);
    const exhausted = await issue(a.token, 'case', 1);
    expect(exhausted.status).toBe(409);
    expect((await errorOf(exhausted))?.code).toBe('SSCC_RANGE_EXHAUSTED');

    // Nothing wrapped around into B's range: B goes on where it was, and A's pallets are a range of their own.
    const bNext = (await issued(b.token, 'case', 3)).map((s) => parts(s, 7).reference);
    expect(bNext).toEqual([2, 3, 4].map((i) => bRange * SHARED_RANGE_SIZE + i));
    const aPallets = (await issued(a.token, 'pallet', 2)).map((s) => parts(s, 7));
    expect(aPallets.map((p) => [p.extension, p.reference])).toEqual([
      ['3', aRange * SHARED_RANGE_SIZE],
      ['3', aRange * SHARED_RANGE_SIZE + 1],
    ]);
  });

  it('many first issuances at once each get their own range', async () => {
    const orgs = await Promise.all(Array.from({ length: 8 }, () => registered('factory')));
    const ssccs = await Promise.all(orgs.map(async (org) => (await issued(org.token, 'case', 1))[0] ?? ''));
    const ranges = ssccs.map((s) => Math.floor(parts(s, 7).reference / SHARED_RANGE_SIZE));
    expect(new Set(ranges).size).toBe(8);
  });
});

describe('organizations with their own GS1 company prefix', () => {
  it('build their SSCCs from it, up to 10^(16 - length) references per kind, then a 409', async () => {
    const c = await registered('factory', { gs1CompanyPrefix: '952012345678' });
    expect(c.gs1CompanyPrefix).toBe('952012345678');
    const read = await service.call('GET', `/v1/orgs/${c.id}`, { token: adminToken });
    expect(((await read.json()) as { gs1CompanyPrefix?: string }).gs1CompanyPrefix).toBe('952012345678');

    const first = await issued(c.token, 'case', 2);
    for (const sscc of first) expect(isValidSscc(sscc)).toBe(true);
    expect(first.map((s) => parts(s, 12))).toEqual([
      { extension: '1', prefix: '952012345678', reference: 0 },
      { extension: '1', prefix: '952012345678', reference: 1 },
    ]);
    await reserveContainerReferences(c.id, 'case', 10_000 - 3, 10_000);
    expect((await errorOf(await issue(c.token, 'case', 2)))?.code).toBe('SSCC_RANGE_EXHAUSTED');
    expect(parts((await issued(c.token, 'case', 1))[0] ?? '', 12).reference).toBe(9_999);
    expect((await issue(c.token, 'case', 1)).status).toBe(409);
  });

  it('two organizations cannot register the same or an overlapping prefix', async () => {
    await registered('distributor', { gs1CompanyPrefix: '96201234' });
    for (const prefix of ['96201234', '962012345', '96201234999', '962012', '9620123']) {
      const res = await register('factory', { gs1CompanyPrefix: prefix });
      expect({ prefix, status: res.status, code: (await errorOf(res))?.code }).toEqual({
        prefix,
        status: 409,
        code: 'COMPANY_PREFIX_EXISTS',
      });
    }
    // TraceSeal's own prefix, and any that overlaps it, are taken by the shared ranges.
    for (const prefix of ['0614141', '06141410', '061414']) {
      const res = await register('factory', { gs1CompanyPrefix: prefix });
      expect({ prefix, code: (await errorOf(res))?.code }).toEqual({ prefix, code: 'COMPANY_PREFIX_EXISTS' });
    }
    // A refused registration wrote nothing: its licence number is still free.
    const license = freshLicense();
    expect((await register('factory', { gs1CompanyPrefix: '96201234' }, license)).status).toBe(409);
    expect((await register('factory', { gs1CompanyPrefix: '96201299' }, license)).status).toBe(201);
  });

  it('concurrent registrations of one prefix have exactly one winner', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => register('factory', { gs1CompanyPrefix: '953000111' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });

  it('only 6 to 12 digits, and only for factories and distributors', async () => {
    for (const prefix of ['12345', '1234567890123', '12345a', ' 123456', 123456]) {
      const res = await register('factory', { gs1CompanyPrefix: prefix });
      expect({ prefix, status: res.status }).toEqual({ prefix, status: 400 });
    }
    const regulator = await register('regulator', { gs1CompanyPrefix: '954000' });
    expect(regulator.status).toBe(400);
    expect((await errorOf(regulator))?.code).toBe('COMPANY_PREFIX_NOT_ALLOWED');
  });
});
