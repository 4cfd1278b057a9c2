import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueContainer } from '../support/custody';
import { registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * The organization, container and chain routes: what each accepts, whom it answers, and
 * how it refuses bad input (the flow tests cover their happy paths at length).
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const errorCode = async (res: Response) => ((await res.json()) as { error?: { code: string } }).error?.code;

describe('organizations', () => {
  it('registers only well-formed organizations and shows each only to itself and supervisors', async () => {
    const bad = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: { name: 'X', role: 'smuggler', region: 'CN-SH Shanghai', licenseNumber: '!!' },
    });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('VALIDATION_FAILED');

    const factory = await registerOrg(service, 'factory', adminToken);
    const other = await registerOrg(service, 'distributor', adminToken);
    const regulator = await registerOrg(service, 'regulator', adminToken);
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: factory.token })).status).toBe(200);
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: regulator.token })).status).toBe(200);
    expect((await service.call('GET', `/v1/orgs/${factory.id}`, { token: other.token })).status).toBe(403);
    expect((await service.call('GET', '/v1/orgs/not-a-uuid', { token: factory.token })).status).toBe(400);
    expect((await service.call('GET', `/v1/orgs/${factory.id}`)).status).toBe(401);
  });
});

describe('containers', () => {
  it('issues only sane counts of known kinds, to factories and distributors', async () => {
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const regulator = await registerOrg(service, 'regulator', adminToken);
    for (const body of [
      { kind: 'crate', count: 1 },
      { kind: 'case', count: 0 },
      { kind: 'case', count: 1001 },
      { kind: 'case' },
    ]) {
      const res = await service.call('POST', '/v1/containers', { token: distributor.token, body });
      expect(res.status).toBe(400);
    }
    expect(
      (await service.call('POST', '/v1/containers', { token: regulator.token, body: { kind: 'case', count: 1 } })).status,
    ).toBe(403);
    const res = await service.call('POST', '/v1/containers', { token: distributor.token, body: { kind: 'pallet', count: 3 } });
    expect(res.status).toBe(201);
    const { codes } = (await res.json()) as { codes: { sscc: string; uri: string }[] };
    expect(codes).toHaveLength(3);
    expect(new Set(codes.map((c) => c.sscc)).size).toBe(3);
    expect(codes.every((c) => /^3\d{17}$/.test(c.sscc))).toBe(true);
  });

  it('verifies a genuine container label, as JSON and as a page', async () => {
    const factory = await registerOrg(service, 'factory', adminToken);
    const uri = await issueContainer(service, factory.token, 'case');
    const genuine = await fetch(uri, { headers: { accept: 'application/json' } });
    expect(genuine.status).toBe(200);
    expect(((await genuine.json()) as { status: string }).status).toBe('genuine');
    const page = await fetch(uri, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'en' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<h1>Genuine</h1>');
    expect(html).toContain('Case, 0 items inside');
  });

  it('answers a forged container signature invalid, cached for a day', async () => {
    const factory = await registerOrg(service, 'factory', adminToken);
    const uri = await issueContainer(service, factory.token, 'case');
    const forged = uri.replace(/8030=(....)(.)/, (_, kid: string, ch: string) => `8030=${kid}${ch === 'A' ? 'B' : 'A'}`);
    const forgedVerdict = await fetch(forged, { headers: { accept: 'application/json' } });
    expect(((await forgedVerdict.json()) as { status: string }).status).toBe('invalid');
    expect(forgedVerdict.headers.get('cache-control')).toContain('s-maxage=86400');
  });

  it('refuses a malformed container label with the same codes as a unit label, uncached', async () => {
    const factory = await registerOrg(service, 'factory', adminToken);
    const uri = await issueContainer(service, factory.token, 'case');
    const { pathname, searchParams } = new URL(uri);
    const sscc = pathname.split('/')[2] ?? '';
    const wrongCheckDigit = `${sscc.slice(0, 17)}${(Number(sscc[17]) + 1) % 10}`;
    const malformed = await service.call('GET', `/00/${wrongCheckDigit}?8030=${searchParams.get('8030')}`);
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe('MALFORMED_CODE');
    expect(malformed.headers.get('cache-control')).toBe('no-store');
    const unsigned = await service.call('GET', `/00/${sscc}`);
    expect(unsigned.status).toBe(400);
    expect(await errorCode(unsigned)).toBe('MISSING_SIGNATURE');
    const head = await service.call('HEAD', `/00/${sscc}`);
    expect(head.status).toBe(400);
  });
});

describe('chains', () => {
  it('answers malformed identifiers with 400 and unknown ones with 404', async () => {
    const factory = await registerOrg(service, 'factory', adminToken);
    expect((await service.call('GET', '/v1/chain/01/123/10/L/21/S', { token: factory.token })).status).toBe(400);
    expect((await service.call('GET', '/v1/chain/00/12', { token: factory.token })).status).toBe(400);
    const unknown = await service.call('GET', '/v1/chain/00/306141419999999996', { token: factory.token });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('CODE_NOT_FOUND');
    expect((await service.call('GET', '/v1/chain/00/306141419999999996')).status).toBe(401);
  });
});

describe('container labels', () => {
  it('issues cases with printable labels of the very URIs it answers, as batches get them', async () => {
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const res = await service.call('POST', '/v1/containers', {
      token: distributor.token,
      body: { kind: 'case', count: 3, labels: { formats: ['pdf', 'zpl', 'csv'], labelWidthMm: 50, labelHeightMm: 40 } },
    });
    expect(res.status).toBe(201);
    const { codes, labels } = (await res.json()) as {
      codes: { sscc: string; uri: string }[];
      labels: { format: string; bytes: number; sha256: string; url: string }[];
    };
    expect(labels.map((l) => l.format)).toEqual(['pdf', 'zpl', 'csv']);
    const download = async (format: string) => {
      const file = labels.find((l) => l.format === format);
      const got = await fetch(file?.url ?? '');
      expect(got.status).toBe(200);
      const bytes = Buffer.from(await got.arrayBuffer());
      expect(bytes.length).toBe(file?.bytes);
      return bytes;
    };
    const pdf = await download('pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('(case labels)');
    const zpl = (await download('zpl')).toString('latin1');
    expect(zpl.match(/\^XA/g)).toHaveLength(3);
    for (const { sscc, uri } of codes) {
      expect(zpl).toContain(uri);
      expect(zpl).toContain(sscc);
    }
    const csv = (await download('csv')).toString('utf8');
    expect(csv.split('\r\n').filter((line) => line !== '')).toEqual([
      'sscc,digsig,uri',
      ...codes.map(({ sscc, uri }) => `${sscc},${new URL(uri).searchParams.get('8030')},${uri}`),
    ]);
  });

  it('refuses label options it cannot print and issues nothing', async () => {
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const res = await service.call('POST', '/v1/containers', {
      token: distributor.token,
      body: { kind: 'pallet', count: 1, labels: { formats: ['gif'] } },
    });
    expect(res.status).toBe(400);
    // A layout the QR cannot fit is found before anything is issued, too.
    const tooSmall = await service.call('POST', '/v1/containers', {
      token: distributor.token,
      body: { kind: 'pallet', count: 1, labels: { formats: ['pdf'], labelWidthMm: 20, labelHeightMm: 20, moduleMm: 2 } },
    });
    expect(tooSmall.status).toBe(400);
    expect(((await tooSmall.json()) as { error: { code: string } }).error.code).toBe('LABEL_TOO_SMALL');
    const inventory = await service.call('GET', '/v1/inventory', { token: distributor.token });
    expect(((await inventory.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
