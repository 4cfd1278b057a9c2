import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, type CliIo, runCli } from '../../scripts/cli/run';
import { factoryWithProduct, freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
let outDir: string;
beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  outDir = await mkdtemp(join(tmpdir(), 'traceseal-cli-'));
});
afterAll(async () => {
  await service?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const capture = () => {
  const lines: string[] = [];
  return { lines, writer: { isTTY: false, write: (text: string) => lines.push(text) } };
};

/** A fetch whose first download of a label file drops the connection after `dropAfter` bytes. */
const droppingFetch = (dropAfter: number) => {
  let dropped = 0;
  const impl = async (url: string, init?: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    if (!url.includes('/local-labels/') || dropped > 0 || response.body === null) return response;
    dropped++;
    const reader = response.body.getReader();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if (sent + value.length > dropAfter) {
          controller.enqueue(value.subarray(0, dropAfter - sent));
          await reader.cancel();
          controller.error(new TypeError('terminated: other side closed'));
          return;
        }
        sent += value.length;
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { impl, dropped: () => dropped };
};

const io = (token: string, fetchImpl: CliIo['fetch'] = (u, i) => fetch(u, i)) => {
  const out = capture();
  const err = capture();
  return {
    out,
    err,
    io: {
      out: out.writer,
      err: err.writer,
      env: { TRACESEAL_TOKEN: token, TRACESEAL_URL: service.url },
      fetch: fetchImpl,
      pollMs: 100,
    },
  };
};

describe('the traceseal CLI against the local service', () => {
  it('issues a lot, shows progress, resumes a dropped download and verifies a sample offline', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const drop = droppingFetch(700);
    const run = io(factory.token, drop.impl as CliIo['fetch']);
    const code = await runCli(
      ['issue', '--gtin', gtin, '--lot', 'CLI-1', '--count', '40', '--format', 'csv,zpl,pdf', '--cut-marks', '--out', outDir],
      run.io,
    );
    expect(code).toBe(0);
    expect(drop.dropped()).toBe(1);
    const log = run.err.lines.join('');
    // Each stage in turn, each complete before the next: signing, every file written, downloaded, a sample verified.
    const stages = [
      /^signing: 100\.0% 40\/40 codes.*done in/m,
      /^writing csv: 100\.0% 40\/40 labels/m,
      /^writing zpl: 100\.0% 40\/40 labels/m,
      /^writing pdf: 100\.0% 40\/40 labels/m,
      new RegExp(`^downloading ${gtin}-CLI-1\\.csv: 100\\.0%`, 'm'),
      new RegExp(`^downloading ${gtin}-CLI-1\\.pdf: 100\\.0%`, 'm'),
      /^verifying a sample offline: 100\.0%/m,
    ].map((stage) => log.search(stage));
    expect(stages.every((at) => at >= 0)).toBe(true);
    expect([...stages].sort((a, b) => a - b)).toEqual(stages);
    expect(log).not.toMatch(/100\.0%[^\n]* 0s left/);
    expect(log).toMatch(/dropped at 700 bytes/);
    expect(log).toMatch(/resumed 1x/);
    expect(run.out.lines.join('')).toMatch(/25 sampled codes verified offline|sampled codes verified offline/);
    const files = (await readdir(outDir)).sort();
    expect(files).toEqual([`${gtin}-CLI-1.csv`, `${gtin}-CLI-1.pdf`, `${gtin}-CLI-1.zpl`]);
    const csv = await readFile(join(outDir, `${gtin}-CLI-1.csv`), 'utf8');
    // --cut-marks reached the PDF: its page carries stroked marks (the content stream is deflated).
    const pdf = (await readFile(join(outDir, `${gtin}-CLI-1.pdf`))).toString('latin1');
    const content = /<< \/Length (\d+) \/Filter \/FlateDecode >>\nstream\n/.exec(pdf);
    const start = (content?.index ?? 0) + (content?.[0].length ?? 0);
    const page = inflateSync(Buffer.from(pdf.slice(start, start + Number(content?.[1])), 'latin1')).toString('latin1');
    expect(page).toMatch(/^q 0\.25 w [\d. ml]+ S Q$/m);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(41);

    // Running the same command again answers the same job (Idempotency-Key from the request).
    const again = io(factory.token);
    await runCli(
      ['issue', '--gtin', gtin, '--lot', 'CLI-1', '--count', '40', '--format', 'csv,zpl,pdf', '--cut-marks', '--out', outDir],
      again.io,
    );
    expect(again.err.lines[0]).toBe(run.err.lines[0]);
  });

  it('says clearly what is wrong: a refused token, an unknown GTIN, an unreachable service', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const args = ['issue', '--gtin', freshGtin(), '--lot', 'CLI-2', '--count', '5', '--out', outDir];
    await expect(runCli(args, io('not-a-token').io)).rejects.toThrow(
      /refused the token \(401 MALFORMED_TOKEN: The bearer token is not a well-formed signed JWT\)/,
    );
    await expect(runCli(args, io(factory.token).io)).rejects.toThrow(/GTIN \d{14} is not registered/);
    const offline = io(factory.token);
    offline.io.env.TRACESEAL_URL = 'http://127.0.0.1:9';
    await expect(runCli(args, offline.io)).rejects.toThrow(CliError);
    await expect(runCli(args, offline.io)).rejects.toThrow(/Cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  // Before, the CLI printed only "Invalid request body", whatever the field.
  it("prints which field is wrong and what it expected: a GTIN-13, a GTIN-14's check digit", async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const issue = (value: string) =>
      runCli(['issue', '--gtin', value, '--lot', 'CLI-3', '--count', '5', '--out', outDir], io(factory.token).io);
    await expect(issue(gtin.slice(1))).rejects.toThrow(
      /400 VALIDATION_FAILED: Invalid request body\n {2}gtin: must be 14 digits, not 13: add a leading 0 \(GTIN-13, EAN-13\) for GTIN-14/,
    );
    const wrong = `${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}`;
    await expect(issue(wrong)).rejects.toThrow(
      `gtin: check digit is wrong: ${gtin.slice(0, 13)} takes ${gtin[13]}, not ${wrong[13]}`,
    );
  });

  it('stops with a clear message when the service reports the job failed (the real failure: issuance-resume.test.ts)', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    // The service's answer as it is, only its job state turned to `failed` on the first poll.
    const failing: CliIo['fetch'] = async (url, init) => {
      const response = await fetch(url, init);
      if ((init as RequestInit | undefined)?.method !== 'GET' || !/\/v1\/batches\/[0-9a-f-]{36}$/.test(url)) return response;
      const batch = (await response.json()) as { progress?: { state: string } };
      return Response.json({ ...batch, progress: { ...batch.progress, state: 'failed' } }, { status: response.status });
    };
    const args = ['issue', '--gtin', gtin, '--lot', 'CLI-FAILED', '--count', '1200', '--out', outDir];
    await expect(runCli(args, io(factory.token, failing).io)).rejects.toThrow(
      /stopped after repeated errors on the service\. Run the same command again to resume it/,
    );
  });
});
