/**
 * npm run verify-export -- <file> <manifest> [--proofs <file>] [--jwks <file|url>]
 *   [--heads <file|url>] [--api <base url>] [--allow-unproven]
 *
 * Checks a TraceSeal audit export offline, with nothing but the service's public keys: the
 * manifest's signature, the file's SHA-256 and record count, every record's leaf and
 * inclusion proof against the signed tree head the manifest names, log order (and no gap in
 * a complete export), each event's custody chain hash, and that every tree head the
 * regulator kept (--heads: a file of heads as GET /v1/audit/checkpoints lists them, or that
 * URL) is consistent with it and with the newest head (--api fetches the newest head and
 * the consistency proofs; without it, kept heads of another size are reported unchecked).
 * With --api, the export's head must also be one the service published to its witness
 * (GET /v1/audit/witness, read from the Object Lock bucket, not the table), consistent with
 * the newest witnessed head; --no-witness skips that.
 * Organizations named in the export's master data are counted (--names lists them): the
 * file's hash covers them, the log's proofs do not, so they never count toward a record.
 * Exits 0 when everything holds, 1 on any failure, 2 on a usage error.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { decodeJwt, type JSONWebKeySet } from 'jose';
import { EXPORT_FORMATS, type ExportFormat } from '#shared/audit/domain/export-formats';
import { readExportRecords, readLines } from '#shared/audit/domain/export-readers';
import { type KeptHead, verifyExport } from '#shared/audit/services/export-verify';
import type { WitnessedHeadInput } from '#shared/audit/services/export-verify-log';
import { namesIn } from '#shared/custody/domain/party-names';

export interface VerifyExportArgs {
  file: string;
  manifest: string;
  proofs?: string;
  jwks?: string;
  heads?: string;
  api?: string;
  allowUnproven: boolean;
  /** Skip the check against the witness's heads (GET /v1/audit/witness); on by default with --api. */
  noWitness?: boolean;
  /** List the organizations the export names, "URN = Name (region)". */
  names?: boolean;
}

const USAGE =
  'usage: npm run verify-export -- <file> <manifest> [--proofs <file>] [--jwks <file|url>] [--heads <file|url>] [--api <base url>] [--allow-unproven] [--no-witness] [--names]';

export const parseArgs = (argv: readonly string[]): VerifyExportArgs | string => {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  let allowUnproven = false;
  let noWitness = false;
  let names = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--allow-unproven') allowUnproven = true;
    else if (arg === '--no-witness') noWitness = true;
    else if (arg === '--names') names = true;
    else if (['--proofs', '--jwks', '--heads', '--api'].includes(arg)) {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      options[arg.slice(2)] = value;
    } else if (arg.startsWith('--')) return `unknown option ${arg}`;
    else positional.push(arg);
  }
  const [file, manifest] = positional;
  if (file === undefined || manifest === undefined || positional.length > 2) return USAGE;
  if (options.jwks === undefined && options.api === undefined) return 'give --jwks <file|url> or --api <base url>';
  return { file, manifest, allowUnproven, ...(noWitness ? { noWitness } : {}), ...(names ? { names } : {}), ...options };
};

const isUrl = (source: string) => /^https?:\/\//.test(source);

const readJson = async (source: string): Promise<unknown> => {
  if (isUrl(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    return response.json();
  }
  const text = await readFile(source, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    // A heads file may be NDJSON: one head per line, as a regulator appends them.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
};

const headsOf = (value: unknown): KeptHead[] => {
  const list = Array.isArray(value) ? value : ((value as { checkpoints?: unknown[] })?.checkpoints ?? [value]);
  return list.map((entry) => entry as KeptHead).filter((head) => typeof head?.signedHead === 'string');
};

const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/**
 * The organizations named beside the records: what the registry called them when the export
 * was written, vouched for by the manifest's signature over the file, not by the log.
 */
const namesOutput = (names: ReadonlyMap<string, string>, fileIntact: boolean, list: boolean): string[] => {
  if (names.size === 0) return [];
  if (!fileIntact) return ["! the organizations' names in this file are not the service's: the file was changed"];
  return [
    `! ${names.size} organizations named beside their URNs, as the registry named them at export time: the manifest's signature covers the names, the log's proofs do not`,
    ...(list ? [...names].sort(([a], [b]) => a.localeCompare(b)).map(([uri, name]) => `  ${uri} = ${name}`) : []),
  ];
};

export const runVerifyExport = async (args: VerifyExportArgs): Promise<{ ok: boolean; output: string[] }> => {
  const manifestJws = (await readFile(args.manifest, 'utf8')).trim();
  const claimed = decodeJwt(manifestJws).format;
  if (typeof claimed !== 'string' || !EXPORT_FORMATS.includes(claimed as ExportFormat)) {
    return { ok: false, output: ['✗ manifest: not a TraceSeal export manifest (no known format)'] };
  }
  const format = claimed as ExportFormat;
  const api = args.api?.replace(/\/$/, '');
  const jwks = (await readJson(args.jwks ?? `${api}/.well-known/jwks.json`)) as JSONWebKeySet;
  const proofsPath = args.proofs ?? `${args.file}.proofs.ndjson`;
  const keptHeads = args.heads === undefined ? [] : headsOf(await readJson(args.heads));
  const latest = api === undefined ? undefined : headsOf(await readJson(`${api}/v1/audit/checkpoints/latest`))[0];
  // The witness's heads, never the table's: the export's head must be one of them.
  const witnessed = async (query: string) =>
    ((await readJson(`${api}/v1/audit/witness?${query}`)) as { heads?: WitnessedHeadInput[] }).heads ?? [];
  const headSize = decodeJwt(String((decodeJwt(manifestJws).treeHead as { signedHead?: unknown })?.signedHead ?? '')).treeSize;
  const witness =
    api === undefined || args.noWitness === true
      ? undefined
      : { newest: await witnessed('limit=1'), ofSize: await witnessed(`treeSize=${Number(headSize)}&limit=100`) };
  const fileSha256 = await sha256OfFile(args.file);
  const names = new Map<string, string>();
  const onMasterData = (vocabularyList: unknown) => {
    for (const [uri, name] of namesIn(vocabularyList)) names.set(uri, name);
  };
  const report = await verifyExport({
    manifestJws,
    jwks,
    file: { sha256: fileSha256, records: readExportRecords(format, createReadStream(args.file, 'utf8'), onMasterData) },
    proofs: { sha256: await sha256OfFile(proofsPath), lines: readLines(createReadStream(proofsPath, 'utf8')) },
    allowUnproven: args.allowUnproven,
    keptHeads,
    ...(latest === undefined ? {} : { latest }),
    ...(witness === undefined ? {} : { witness }),
    ...(api === undefined
      ? {}
      : {
          consistencyPath: async (first: number, second: number) => {
            const proof = (await readJson(`${api}/v1/audit/proofs/consistency?first=${first}&second=${second}`)) as {
              consistencyPath?: string[];
            };
            return proof.consistencyPath ?? [];
          },
        }),
  });
  const output = [
    ...report.passed.map((line) => `✓ ${line}`),
    ...report.notes.map((line) => `! ${line}`),
    ...namesOutput(names, report.manifest?.sha256 === fileSha256, args.names === true),
    ...report.failures.map((line) => `✗ ${line}`),
    ...(api !== undefined && witness === undefined
      ? ["! the export's head was not checked against the witness (--no-witness)"]
      : []),
    report.ok ? 'OK: the export is intact and in the signed log' : `FAILED: ${report.failures.length} problem(s)`,
  ];
  return { ok: report.ok, output };
};

const main = async (argv: readonly string[]): Promise<number> => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  try {
    const { ok, output } = await runVerifyExport(args);
    for (const line of output) console.log(line);
    return ok ? 0 : 1;
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 1;
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
