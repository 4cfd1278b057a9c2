import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDigitalLink } from '#kernel/codes/digital-link';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

interface Output {
  format: string;
  bytes: number;
  sha256: string;
  url: string;
}
interface BatchView {
  id: string;
  count: number;
  status: string;
  progress?: {
    state: string;
    codesIssued: number;
    percent: number;
    files?: { format: string; state: string; labelsWritten: number; labels: number }[];
  };
  outputs?: Output[];
}

const issue = (token: string, body: unknown, headers?: Record<string, string>) =>
  service.call('POST', '/v1/batches', { token, body, headers });

const waitDone = async (token: string, id: string): Promise<BatchView> => {
  // A bound on a hang only: on a loaded machine signing and writing labels may take a while.
  let last: BatchView | undefined;
  return vi
    .waitUntil(
      async () => {
        last = (await (await service.call('GET', `/v1/batches/${id}`, { token })).json()) as BatchView;
        return last.progress?.state === 'done' ? last : undefined;
      },
      { timeout: 240_000, interval: 200 },
    )
    .catch((error: unknown) => {
      throw new Error(`job ${id} still ${JSON.stringify(last?.progress)}`, { cause: error });
    });
};

const download = async (output: Output | undefined): Promise<Buffer> => {
  if (output === undefined) throw new Error('output missing');
  const res = await fetch(output.url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

describe('issuance jobs through the local gateway', () => {
  it('answers 202 for more than 10,000 codes, shows progress, and serves a complete CSV', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await issue(factory.token, { gtin, lot: 'JOB-12K', productionDate: '2026-10-01', count: 12_001 });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { batch: BatchView };
    expect(res.headers.get('location')).toBe(`/v1/batches/${accepted.batch.id}`);
    expect(accepted.batch.progress?.state).toBe('signing');

    const done = await waitDone(factory.token, accepted.batch.id);
    expect(done).toMatchObject({ status: 'issued', progress: { state: 'done', codesIssued: 12_001, percent: 100 } });
    expect(done.outputs?.map((o) => o.format).sort()).toEqual(['csv', 'ndjson']);
    const csv = await download(done.outputs?.find((o) => o.format === 'csv'));
    expect(createHash('sha256').update(csv).digest('hex')).toBe(done.outputs?.find((o) => o.format === 'csv')?.sha256);
    const lines = csv.toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('gtin,lot,serial,digsig,uri');
    expect(lines).toHaveLength(12_002);
    const uris = lines.slice(1).map((line) => line.split(',')[4] ?? '');
    expect(new Set(uris.map((uri) => parseDigitalLink(uri).serial)).size).toBe(12_001);
    for (const uri of [uris[0], uris[6000], uris[12_000]]) {
      const verdict = (await (await fetch(uri ?? '', { headers: { accept: 'application/json' } })).json()) as { status: string };
      expect(verdict.status).toBe('genuine');
    }
    // The paged codes API lists the same codes in the same order.
    const page = await (await service.call('GET', `/v1/batches/${done.id}/codes?format=csv`, { token: factory.token })).text();
    expect(page.split('\r\n')[1]).toBe(lines[1]);
  });

  it('writes every label format for a small lot asked with labels, and guards its links', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const labels = { formats: ['csv', 'ndjson', 'zpl', 'pdf', 'svg-zip', 'png-zip'], ecc: 'Q', moduleMm: 0.5, cutMarks: true };
    const res = await issue(factory.token, { gtin, lot: 'JOB-LBL', productionDate: '2026-10-01', count: 30, labels });
    expect(res.status, await res.clone().text()).toBe(202);
    const { batch } = (await res.json()) as { batch: BatchView };
    const done = await waitDone(factory.token, batch.id);
    const byFormat = new Map(done.outputs?.map((o) => [o.format, o]));
    expect([...byFormat.keys()].sort()).toEqual(['csv', 'ndjson', 'pdf', 'png-zip', 'svg-zip', 'zpl']);
    // Each file's stage, in the order asked, all written.
    expect(done.progress?.files).toEqual(
      labels.formats.map((format) => ({ format, state: 'written', labelsWritten: 30, labels: 30 })),
    );
    const zpl = (await download(byFormat.get('zpl'))).toString('latin1');
    expect(zpl.match(/\^XA/g)).toHaveLength(30);
    expect(zpl).toContain('^BQN,2,6,Q^FDQM,B');
    expect((await download(byFormat.get('pdf'))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await download(byFormat.get('png-zip'))).subarray(0, 2).toString('latin1')).toBe('PK');

    // A resumed download: the rest of the file from a byte offset.
    const pdf = byFormat.get('pdf') as Output;
    const tail = await fetch(pdf.url, { headers: { range: 'bytes=100-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes 100-${pdf.bytes - 1}/${pdf.bytes}`);
    expect((await tail.arrayBuffer()).byteLength).toBe(pdf.bytes - 100);

    // A link whose signature was altered, or pointed at another file, is refused.
    // The first character carries 6 significant bits (the last one's low bits may be unused,
    // so changing only the end can decode to the same signature).
    const forged = pdf.url.replace(/sig=([^&]+)/, (_m, sig: string) => `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await fetch(forged)).status).toBe(403);
    const otherFile = pdf.url.replace('.pdf?', '.zpl?');
    expect((await fetch(otherFile)).status).toBe(403);

    // Regulators see the progress, never the label links.
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const seen = (await (await service.call('GET', `/v1/batches/${batch.id}`, { token: regulator.token })).json()) as BatchView;
    expect(seen.progress?.state).toBe('done');
    expect(seen.outputs).toBeUndefined();
  });

  it('answers a retried Idempotency-Key with the same job, and refuses more than 1,000,000 codes', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const body = { gtin, lot: 'JOB-IDEM', productionDate: '2026-10-01', count: 10_500 };
    const headers = { 'idempotency-key': 'job-retry-key-01' };
    const first = await issue(factory.token, body, headers);
    const second = await issue(factory.token, body, headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const a = (await first.json()) as { batch: BatchView };
    const b = (await second.json()) as { batch: BatchView };
    expect(b.batch.id).toBe(a.batch.id);
    const done = await waitDone(factory.token, a.batch.id);
    expect(done.progress?.codesIssued).toBe(10_500);

    const tooMany = await issue(factory.token, { ...body, lot: 'JOB-BIG', count: 1_000_001 });
    expect(tooMany.status).toBe(400);
    const badFormat = await issue(factory.token, { ...body, lot: 'JOB-FMT', count: 5, labels: { formats: ['tiff'] } });
    expect(badFormat.status).toBe(400);
    // Labels the writers could not draw are refused now, not after signing as a job that fails.
    const refused = async (lot: string, labels: unknown) => {
      const res = await issue(factory.token, { ...body, lot, count: 5, labels });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { code: string; message: string } }).error;
    };
    expect(await refused('JOB-NARROW', { formats: ['pdf'], labelWidthMm: 20, labelHeightMm: 40 })).toMatchObject({
      code: 'LABEL_TOO_SMALL',
      message: expect.stringMatching(/20-character lot/),
    });
    expect(await refused('JOB-MARKS', { formats: ['pdf'], cutMarks: true, marginMm: 1 })).toMatchObject({
      code: 'LABEL_LAYOUT_INVALID',
      message: expect.stringMatching(/marginMm must be at least 3/),
    });
    expect(await refused('JOB-ZPL', { formats: ['zpl'], labelWidthMm: 15, labelHeightMm: 15, moduleMm: 0.5 })).toMatchObject({
      code: 'LABEL_TOO_SMALL',
    });
    const list = (await (await service.call('GET', '/v1/batches', { token: factory.token })).json()) as { batches: BatchView[] };
    expect(list.batches.map((x) => x.id)).toEqual([a.batch.id]);
  });
});
