/**
 * The factory CLI: `npm run cli -- issue --gtin … --lot … --count 500000 --format pdf --out dir`
 * (or `npx traceseal issue …` from the checkout). It asks for the lot as a job, shows its
 * progress, downloads the label files (resuming a dropped download) and verifies a sample of
 * the downloaded codes offline against the service's JWKS before it says done.
 *
 * Token: --token or TRACESEAL_TOKEN (an organization's bearer token). Service: --url or
 * TRACESEAL_URL (default http://localhost:3000, `npm start`).
 */
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDigitalLink } from '#kernel/codes/digital-link';
import { splitDigsig, verifyCodeSignature } from '#kernel/codes/signature';
import { downloadResuming, type FetchLike } from './download';
import { type IssueCommand, parseIssueArgs, USAGE } from './issue-args';
import { createProgress, type ProgressWriter } from './progress';

export class CliError extends Error {}

export interface CliIo {
  out: ProgressWriter;
  err: ProgressWriter;
  env: Record<string, string | undefined>;
  fetch: FetchLike & ((url: string, init?: RequestInit) => Promise<Response>);
  pollMs?: number;
}

interface Output {
  format: string;
  bytes: number;
  sha256: string;
  url: string;
}
interface BatchView {
  id: string;
  gtin: string;
  lot: string;
  count: number;
  progress?: {
    state: string;
    codesIssued: number;
    percent: number;
    files?: { format: string; state: string; labelsWritten: number; labels: number }[];
  };
  outputs?: Output[];
}

/** The job's stages in order (signing, then each label file) and where it stands in each. */
export const jobStages = (batch: BatchView): { label: string; total: number; unit: string; done: number }[] => {
  const progress = batch.progress;
  const finished = progress?.state === 'done';
  const signed = finished || progress?.state === 'writing-outputs' || (progress?.codesIssued ?? 0) >= batch.count;
  return [
    { label: 'signing', total: batch.count, unit: 'codes', done: signed ? batch.count : (progress?.codesIssued ?? 0) },
    ...(progress?.files ?? []).map((file) => ({
      label: `writing ${file.format}`,
      total: file.labels,
      unit: 'labels',
      done: finished ? file.labels : file.labelsWritten,
    })),
  ];
};

const SAMPLE = 25;
/** Every `step`-th code is checked: about SAMPLE of them, spread over the whole file. */
const sampleStep = (count: number): number => Math.max(1, Math.floor(count / SAMPLE));

/** A validation error's field messages, one per line (`  gtin: must be 14 digits, …`). */
const detailLines = (details: unknown): string =>
  Array.isArray(details)
    ? details
        .map((detail: { path?: unknown; message?: unknown }) =>
          typeof detail?.message === 'string'
            ? `\n  ${typeof detail.path === 'string' && detail.path !== '' ? `${detail.path}: ` : ''}${detail.message}`
            : '',
        )
        .join('')
    : '';

const explain = async (response: Response, gtin: string): Promise<CliError> => {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
  const code = body.error?.code;
  if (response.status === 401 || response.status === 403) {
    // A bare gateway refusal has no code of ours; the service's says why.
    const why = code === undefined ? `${response.status}` : `${response.status} ${code}: ${body.error?.message ?? ''}`;
    if (code === undefined || response.status === 401 || code === 'ORG_NOT_REGISTERED' || code === 'ROLE_NOT_ALLOWED') {
      return new CliError(
        `The service refused the token (${why}).\nCheck TRACESEAL_TOKEN or --token (a factory organization's token).`,
      );
    }
  }
  if (code === 'PRODUCT_NOT_FOUND') return new CliError(`GTIN ${gtin} is not registered: register the product first.`);
  return new CliError(
    `The service answered ${response.status}${code ? ` ${code}` : ''}: ${body.error?.message ?? response.statusText}${detailLines(body.error?.details)}`,
  );
};

const networkError = (base: string, error: unknown): CliError =>
  new CliError(
    `Cannot reach ${base}: ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`,
  );

/** The URIs of a downloaded file, for the offline check (CSV, NDJSON or ZPL). */
const urisIn = (format: string, text: string): string[] => {
  if (format === 'csv')
    return text
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',')[4] ?? '');
  if (format === 'ndjson')
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => String((JSON.parse(line) as { uri: string }).uri));
  return [...text.matchAll(/\^FD[LMQH]M,B\d{4}([^^]+)\^FS/g)].map((m) => m[1] ?? '');
};

export const verifySample = async (uris: string[], jwks: { keys: (JsonWebKey & { kid?: string })[] }): Promise<number> => {
  const keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
  const step = sampleStep(uris.length);
  let checked = 0;
  for (let i = 0; i < uris.length; i += step) {
    const code = parseDigitalLink(uris[i] ?? '');
    const { kid, signature } = splitDigsig(code.digsig);
    const key = keys.get(kid);
    if (key === undefined || !verifyCodeSignature(key, code, signature)) {
      throw new CliError(`Code ${code.serial} in the downloaded file does not verify against the service's JWKS.`);
    }
    checked++;
  }
  return checked;
};

type Call = (method: string, path: string, json?: unknown) => Promise<Response>;
type Progress = ReturnType<typeof createProgress>;

/** Calls to the service with the command's token; one that sends a body carries the command's idempotency key. */
const serviceCaller = (io: CliIo, { base, token, body }: IssueCommand): Call => {
  // The same request always carries the same key: running the command again after a crash
  // or a dropped connection picks up the same job instead of issuing the lot twice.
  const idempotencyKey = `cli-${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 40)}`;
  return async (method, path, json) => {
    try {
      return await io.fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
    } catch (error) {
      throw networkError(base, error);
    }
  };
};

/** Polls the job until it is done, showing its stages; the batch as it stands when done. */
const followJob = async (
  call: Call,
  command: IssueCommand,
  started: BatchView,
  io: CliIo,
  progress: Progress,
): Promise<BatchView> => {
  let batch = started;
  // Each stage is shown, in order, until it is complete; a stage the job went through between
  // two polls is shown complete, so no stage is skipped and none stands in for the next.
  let shown = -1;
  for (;;) {
    const stages = jobStages(batch);
    const at = batch.progress?.state === 'done' ? stages.length - 1 : stages.findIndex((stage) => stage.done < stage.total);
    const current = at === -1 ? stages.length - 1 : at;
    while (shown < current) {
      if (shown >= 0) progress.update(stages[shown]?.total ?? 0);
      shown++;
      const stage = stages[shown];
      if (stage !== undefined) progress.stage(stage.label, stage.total, stage.unit);
    }
    progress.update(stages[current]?.done ?? 0);
    if (batch.progress?.state === 'done') return batch;
    if (batch.progress?.state === 'failed') {
      throw new CliError(
        `Batch ${batch.id} stopped after repeated errors on the service. Run the same command again to resume it where it stopped; codes already made are kept.`,
      );
    }
    await new Promise((r) => setTimeout(r, io.pollMs ?? 1000));
    const polled = await call('GET', `/v1/batches/${batch.id}`);
    if (polled.status !== 200) throw await explain(polled, command.body.gtin);
    batch = (await polled.json()) as BatchView;
  }
};

/** Every label file of the batch into `out`, a dropped download resumed where it stopped. */
const downloadOutputs = async (
  batch: BatchView,
  out: string,
  io: CliIo,
  progress: Progress,
): Promise<{ format: string; path: string }[]> => {
  await mkdir(out, { recursive: true });
  const files: { format: string; path: string }[] = [];
  for (const output of batch.outputs ?? []) {
    const name = decodeURIComponent(new URL(output.url).pathname.split('/').pop() ?? output.format);
    const path = join(out, name);
    progress.stage(`downloading ${name}`, output.bytes, 'bytes');
    let got = 0;
    const { resumed } = await downloadResuming(output, path, {
      fetch: io.fetch,
      onBytes: (n) => progress.update((got += n)),
      onRetry: (error, have) => {
        got = have;
        progress.finish();
        io.err.write(
          `Download of ${output.format} dropped at ${have} bytes (${error instanceof Error ? error.message : error}); resuming\n`,
        );
        progress.stage(`downloading ${name}`, output.bytes, 'bytes', have);
      },
    });
    progress.update(output.bytes);
    progress.finish();
    io.err.write(
      `Downloaded ${path} (${output.bytes.toLocaleString('en')} bytes${resumed > 0 ? `, resumed ${resumed}x` : ''})\n`,
    );
    files.push({ format: output.format, path });
  }
  return files;
};

/** Offline: the codes come from the downloaded files, the keys from the public JWKS. The number of codes checked. */
const verifyDownloaded = async (
  call: Call,
  batch: BatchView,
  files: { format: string; path: string }[],
  progress: Progress,
): Promise<number> => {
  const jwksResponse = await call('GET', '/.well-known/jwks.json');
  const jwks = (await jwksResponse.json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const source = files.find((f) => ['csv', 'ndjson', 'zpl'].includes(f.format));
  let uris: string[];
  if (source !== undefined) uris = urisIn(source.format, await readFile(source.path, 'latin1'));
  else {
    // PDF or images only: the sample is read from the codes listing instead.
    const page = await call('GET', `/v1/batches/${batch.id}/codes?format=ndjson`);
    uris = urisIn('ndjson', await page.text());
  }
  progress.stage('verifying a sample offline', Math.ceil(uris.length / sampleStep(uris.length)), 'codes');
  const checked = await verifySample(uris, jwks);
  progress.update(checked);
  progress.finish();
  return checked;
};

export const runCli = async (argv: string[], io: CliIo): Promise<number> => {
  const args = parseIssueArgs(argv, io.env);
  if (args.kind === 'usage') {
    io.out.write(`${USAGE}\n`);
    return args.exitCode;
  }
  if (args.kind === 'invalid') throw new CliError(args.message);
  const { command } = args;
  const call = serviceCaller(io, command);

  const created = await call('POST', '/v1/batches', command.body);
  if (created.status !== 202) throw await explain(created, command.body.gtin);
  const started = ((await created.json()) as { batch: BatchView }).batch;
  io.err.write(`Batch ${started.id}: ${command.body.count.toLocaleString('en')} codes of ${started.gtin} lot ${started.lot}\n`);
  const progress = createProgress(io.err);
  const batch = await followJob(call, command, started, io, progress);
  progress.finish();

  const files = await downloadOutputs(batch, command.out, io, progress);
  const checked = await verifyDownloaded(call, batch, files, progress);
  io.out.write(`Done: ${files.map((f) => f.path).join(', ')}; ${checked} sampled codes verified offline against the JWKS.\n`);
  return 0;
};
