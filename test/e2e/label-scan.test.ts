import type { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateLocalSigningKey } from '../../scripts/local/signing-keys';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A label's whole life outside our code: the factory issues a batch, each code is printed
 * as a QR image, an independent decoder reads the image back, and the decoded URI is
 * checked twice: online at the URI itself and offline against the published JWKS with
 * WebCrypto, rebuilding the signed bytes from the URI here rather than with our own code.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

interface IssuedBatchBody {
  batch: { id: string; gtin: string; lot: string; count: number };
  codes: string[];
}

interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
}

const issueBatch = async (token: string, gtin: string, lot: string, count: number): Promise<IssuedBatchBody> => {
  const res = await service.call('POST', '/v1/batches', {
    token,
    body: { gtin, lot, productionDate: '2026-11-02', count },
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as IssuedBatchBody;
  expect(body.codes).toHaveLength(count);
  return body;
};

/** Prints the URI as a PNG QR code and reads it back with a decoder that shares nothing with the encoder. */
const printAndScan = async (uri: string): Promise<string> => {
  const png = await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const image = PNG.sync.read(png);
  const rgba = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const decoded = jsQR(rgba, image.width, image.height);
  if (decoded === null) throw new Error(`jsQR found no QR code in the image for ${uri}`);
  return decoded.data;
};

const verdictOf = async (uri: string): Promise<{ status: string; code: { gtin: string; lot: string; serial: string } }> => {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as { status: string; code: { gtin: string; lot: string; serial: string } };
};

/** The pieces of a Digital Link URI, parsed here without shared/codes. */
const splitUri = (uri: string) => {
  const url = new URL(uri);
  const match = /^\/01\/(\d{14})\/10\/([^/]+)\/21\/([^/]+)$/.exec(url.pathname);
  const digsig = url.searchParams.get('8030');
  if (match === null || digsig === null) throw new Error(`not a signed Digital Link URI: ${uri}`);
  const [, gtin = '', lot = '', serial = ''] = match;
  return { gtin, lot, serial, kid: digsig.slice(0, 4), signature: Buffer.from(digsig.slice(4), 'base64url') };
};

/** GS1 element string: "01" GTIN, "10" lot, FNC1 as ASCII 29 (variable-length AI), "21" serial. */
const elementString = (parts: { gtin: string; lot: string; serial: string }): Uint8Array =>
  new TextEncoder().encode(`01${parts.gtin}10${parts.lot}\u001d21${parts.serial}`);

const fetchJwks = async (): Promise<Jwk[]> => {
  const res = await service.call('GET', '/.well-known/jwks.json');
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: Jwk[] }).keys;
};

const importJwk = (jwk: Jwk): Promise<webcrypto.CryptoKey> =>
  globalThis.crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);

/** Verifies the URI's AI 8030 signature offline with WebCrypto and the published key of its kid. */
const verifyOffline = async (uri: string, jwks: Jwk[], tamper?: (parts: ReturnType<typeof splitUri>) => void) => {
  const parts = splitUri(uri);
  const jwk = jwks.find((k) => k.kid === parts.kid);
  if (jwk === undefined) throw new Error(`kid ${parts.kid} is not in the JWKS`);
  expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  expect(parts.signature).toHaveLength(64);
  tamper?.(parts);
  return globalThis.crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    await importJwk(jwk),
    parts.signature,
    elementString(parts),
  );
};

describe('printed labels: QR image → scan → online and offline verification', () => {
  it('prints codes as QR images that decode to the exact URI, verify genuine online and check out offline', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const { batch, codes } = await issueBatch(factory.token, gtin, 'L-SCAN-01', 25);
    expect(batch).toMatchObject({ gtin, lot: 'L-SCAN-01', count: 25 });
    const jwks = await fetchJwks();

    for (const uri of [codes[0], codes[12], codes[24]]) {
      if (uri === undefined) throw new Error('batch has fewer codes than issued');
      const scanned = await printAndScan(uri);
      expect(scanned).toBe(uri);

      const verdict = await verdictOf(scanned);
      expect(verdict.status).toBe('genuine');
      const parts = splitUri(scanned);
      expect(verdict.code).toEqual({ gtin: parts.gtin, lot: parts.lot, serial: parts.serial });

      expect(await verifyOffline(scanned, jwks)).toBe(true);
      // The offline check is not vacuous: the same signature over another serial or lot fails.
      const otherSerial = `${parts.serial.slice(0, -1)}${parts.serial.endsWith('0') ? '1' : '0'}`;
      expect(await verifyOffline(scanned, jwks, (p) => (p.serial = otherSerial))).toBe(false);
      expect(await verifyOffline(scanned, jwks, (p) => (p.lot = 'L-SCAN-02'))).toBe(false);
    }
  });

  it('lists exactly the issued codes, in order, as CSV and NDJSON, to the owning factory only', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const { batch, codes } = await issueBatch(factory.token, gtin, 'L-LIST-01', 25);

    const csv = await service.call('GET', `/v1/batches/${batch.id}/codes?format=csv`, { token: factory.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('link')).toBeNull();
    const csvText = await csv.text();
    expect(csvText.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = csvText.slice(0, -2).split('\r\n');
    expect(header).toBe('gtin,lot,serial,digsig,uri');
    const csvRows = rows.map((row) => {
      const [rowGtin, lot, serial, digsig, uri, ...extra] = row.split(',');
      expect(extra).toEqual([]);
      return { gtin: rowGtin, lot, serial, digsig, uri };
    });
    expect(csvRows.map((row) => row.uri)).toEqual(codes);
    for (const row of csvRows) {
      expect(row.uri).toBe(`${service.url}/01/${row.gtin}/10/${row.lot}/21/${row.serial}?8030=${row.digsig}`);
      expect(row).toMatchObject({ gtin, lot: 'L-LIST-01' });
    }

    const ndjson = await service.call('GET', `/v1/batches/${batch.id}/codes?format=ndjson`, { token: factory.token });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers.get('link')).toBeNull();
    const lines = (await ndjson.text()).split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, string>);
    expect(records.map((r) => r.uri)).toEqual(codes);
    expect(records).toEqual(csvRows);

    const other = await registerOrg(service, 'factory', adminToken);
    for (const format of ['csv', 'ndjson']) {
      const foreign = await service.call('GET', `/v1/batches/${batch.id}/codes?format=${format}`, { token: other.token });
      expect(foreign.status).toBe(404);
      const body = (await foreign.json()) as { error: { code: string } };
      expect(body.error.code).toBe('BATCH_NOT_FOUND');
    }
  });

  it('signs new batches with a rotated key while codes signed by the old key still verify', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const before = await issueBatch(factory.token, gtin, 'L-ROT-OLD', 3);
    const oldKid = splitUri(before.codes[0] ?? '').kid;

    const newKid = await rotateLocalSigningKey(join(service.runtime.dataDir, 'keys'));
    expect(newKid).not.toBe(oldKid);

    const after = await issueBatch(factory.token, gtin, 'L-ROT-NEW', 3);
    const newDigsigKids = new Set(after.codes.map((uri) => splitUri(uri).kid));
    expect([...newDigsigKids]).toEqual([newKid]);
    expect(new Set(before.codes.map((uri) => splitUri(uri).kid))).toEqual(new Set([oldKid]));

    const jwks = await fetchJwks();
    const kids = jwks.map((k) => k.kid);
    expect(kids).toContain(oldKid);
    expect(kids).toContain(newKid);

    for (const uri of [...before.codes, ...after.codes]) {
      expect((await verdictOf(uri)).status).toBe('genuine');
      expect(await verifyOffline(uri, jwks)).toBe(true);
    }
    // Each key verifies only its own codes.
    const oldUnderNewKid = (before.codes[0] ?? '').replace(`8030=${oldKid}`, `8030=${newKid}`);
    expect(await verifyOffline(oldUnderNewKid, jwks)).toBe(false);
    expect((await verdictOf(oldUnderNewKid)).status).toBe('invalid');
  });
});
