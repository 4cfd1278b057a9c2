import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgress } from '../../scripts/cli/progress';
import { type CliIo, runCli } from '../../scripts/cli/run';
import { makeSignedCodes } from '../support/qr-label-codes';

const writer = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, write: (text: string) => chunks.push(text) } };
};

const outDirs: string[] = [];
afterAll(async () => {
  for (const dir of outDirs) await rm(dir, { recursive: true, force: true });
});

describe('the CLI progress line', () => {
  it('redraws one line per stage on a terminal, with the bar, rate and time left, and keeps it when the next starts', () => {
    let now = 0;
    const { chunks, out } = writer(true);
    const progress = createProgress(out, () => now);
    progress.stage('signing', 1000, 'codes');
    now = 2000;
    progress.update(400);
    expect(chunks.at(-1)).toBe(`\r[############------------------] signing: 40.0% 400/1,000 codes, 200 codes/s, 3s left\u001b[K`);
    now = 4000;
    progress.update(1000);
    expect(chunks.at(-1)).toBe(
      `\r[##############################] signing: 100.0% 1,000/1,000 codes, 250 codes/s, done in 4s\u001b[K`,
    );
    progress.stage('writing pdf', 1000, 'labels');
    expect(chunks.at(-2)).toBe('\n');
    expect(chunks.at(-1)).toContain('writing pdf: 0.0% 0/1,000 labels, -- left');
    progress.finish();
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes plain lines, one per tenth of each stage, when the output is not a terminal', () => {
    let now = 0;
    const { chunks, out } = writer(false);
    const progress = createProgress(out, () => now);
    progress.stage('signing', 1000, 'codes');
    for (const done of [50, 99, 100, 150, 1000]) {
      now += 1000;
      progress.update(done);
    }
    progress.stage('downloading labels.pdf', 4_000_000, 'bytes', 1_000_000);
    now += 1000;
    progress.update(3_000_000);
    expect(chunks.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(chunks).toEqual([
      'signing: 0.0% 0/1,000 codes, -- left\n',
      'signing: 10.0% 100/1,000 codes, 33 codes/s, 27s left\n',
      'signing: 100.0% 1,000/1,000 codes, 200 codes/s, done in 5s\n',
      'downloading labels.pdf: 25.0% 1.0/4.0 MB, -- left\n',
      // A resumed download's rate counts the bytes fetched since it resumed.
      'downloading labels.pdf: 75.0% 3.0/4.0 MB, 2.0 MB/s, 1s left\n',
    ]);
  });
});

describe('the CLI shows each stage of a job', () => {
  it('never shows the job at 100% while a label file is still being written: each file has its own stage', async () => {
    const { codes, jwks } = makeSignedCodes(40);
    const csv = `gtin,lot,serial,digsig,uri\r\n${codes.map((c) => `x,${c.lot},${c.serial},x,${c.uri}\r\n`).join('')}`;
    const files = { csv: Buffer.from(csv), pdf: Buffer.from('%PDF-1.4 not read by the CLI\n') };
    const output = (format: 'csv' | 'pdf') => ({
      format,
      bytes: files[format].length,
      sha256: createHash('sha256').update(files[format]).digest('hex'),
      url: `http://service.test/local-labels/b/labels.${format}?sig=s`,
    });
    const batch = { id: '00000000-0000-4000-8000-000000000001', gtin: '09506000134352', lot: codes[0]?.lot, count: 40 };
    const file = (format: string, state: string, labelsWritten: number) => ({ format, state, labelsWritten, labels: 40 });
    // What the service answers, poll after poll: the job as GET /v1/batches/{id} shows it.
    const polls = [
      { state: 'signing', codesIssued: 0, percent: 0, files: [file('csv', 'waiting', 0), file('pdf', 'waiting', 0)] },
      { state: 'signing', codesIssued: 20, percent: 45, files: [file('csv', 'waiting', 0), file('pdf', 'waiting', 0)] },
      { state: 'writing-outputs', codesIssued: 40, percent: 92, files: [file('csv', 'written', 40), file('pdf', 'writing', 10)] },
      { state: 'writing-outputs', codesIssued: 40, percent: 98, files: [file('csv', 'written', 40), file('pdf', 'writing', 30)] },
      { state: 'done', codesIssued: 40, percent: 100, files: [file('csv', 'written', 40), file('pdf', 'written', 40)] },
    ];
    let poll = 0;
    const view = () => {
      const progress = polls[Math.min(poll, polls.length - 1)];
      return { ...batch, progress, ...(progress?.state === 'done' ? { outputs: [output('csv'), output('pdf')] } : {}) };
    };
    const fetchFake = async (url: string, init?: RequestInit): Promise<Response> => {
      const path = new URL(url).pathname;
      if (init?.method === 'POST') return Response.json({ batch: view() }, { status: 202 });
      if (path === `/v1/batches/${batch.id}`) {
        poll++;
        return Response.json(view());
      }
      if (path === '/.well-known/jwks.json') return Response.json(jwks);
      const format = path.endsWith('.csv') ? 'csv' : 'pdf';
      return new Response(files[format], { status: 200 });
    };
    const lines: string[] = [];
    const outDir = await mkdtemp(join(tmpdir(), 'cli-stages-'));
    outDirs.push(outDir);
    const io: CliIo = {
      out: { isTTY: false, write: () => true },
      err: { isTTY: false, write: (text: string) => lines.push(text) },
      env: { TRACESEAL_TOKEN: 't', TRACESEAL_URL: 'http://service.test' },
      fetch: fetchFake as CliIo['fetch'],
      pollMs: 1,
    };
    const args = ['issue', '--gtin', batch.gtin, '--lot', String(batch.lot), '--count', '40', '--format', 'csv,pdf'];
    expect(await runCli([...args, '--out', outDir], io)).toBe(0);
    const log = lines.join('');
    // Signing ends at 100% and says so; while the PDF was being written the line said so, with its labels.
    expect(log).toMatch(/^signing: 100\.0% 40\/40 codes.*done in/m);
    expect(log).toMatch(/^writing csv: 100\.0% 40\/40 labels/m);
    expect(log).toMatch(/^writing pdf: 25\.0% 10\/40 labels/m);
    expect(log).toMatch(/^writing pdf: 75\.0% 30\/40 labels/m);
    expect(log).not.toMatch(/100\.0%[^\n]* 0s left/);
    // The stages in the order the job and the CLI went through them.
    const order = ['signing:', 'writing csv:', 'writing pdf:', 'downloading ', 'verifying a sample offline:'].map((stage) =>
      log.indexOf(stage),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(log).toMatch(/^verifying a sample offline: 100\.0% 40\/40 codes/m);
  });
});
