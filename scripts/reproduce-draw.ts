/**
 * `npm run reproduce-draw -- <draw.json | https://host/v1/spot-checks/draws/{id}>`
 *
 * Recomputes a published spot-check draw offline from its revealed secret and its
 * published inputs, and compares it with the targets and inspectors the service
 * published. Exit 0: the draw is reproduced; 1: it is not (or the secret is not the
 * committed one); 2: the draw cannot be checked (not revealed, unreadable, usage).
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { commitmentOf, computeDraw, type DrawInputs, parseSecret } from '#shared/domain/spot-check-draw';
import { AppError } from '#shared/errors';

export interface PublishedDraw {
  id?: string;
  status?: string;
  commitment?: string;
  inputs?: DrawInputs;
  secret?: string;
  targets?: string[];
  selectedInspectors?: string[];
}

export interface Reproduction {
  ok: boolean;
  problems: string[];
  targets: string[];
  inspectors: string[];
}

const sameList = (a: readonly string[], b: readonly string[] | undefined): boolean =>
  b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);

export const reproduceDraw = (draw: PublishedDraw): Reproduction => {
  if (draw.inputs === undefined || draw.secret === undefined) {
    throw new Error(`draw ${draw.id ?? '?'} is ${draw.status ?? 'not revealed'}: it has no inputs and secret to check yet`);
  }
  const problems: string[] = [];
  const secret = parseSecret(draw.secret);
  if (draw.commitment !== undefined && draw.commitment !== draw.inputs.commitment) {
    problems.push('the published commitment differs from the one in the inputs');
  }
  if (commitmentOf(secret) !== draw.inputs.commitment) {
    problems.push('SHA-256 of the revealed secret is not the commitment');
    return { ok: false, problems, targets: [], inspectors: [] };
  }
  const outcome = computeDraw(draw.inputs, secret);
  if (!sameList(outcome.targets, draw.targets)) problems.push('the published targets differ from the recomputed ones');
  if (!sameList(outcome.inspectors, draw.selectedInspectors)) {
    problems.push('the published inspectors differ from the recomputed ones');
  }
  return { ok: problems.length === 0, problems, targets: outcome.targets, inspectors: outcome.inspectors };
};

const load = async (source: string): Promise<PublishedDraw> => {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${source} answered ${res.status}`);
    return (await res.json()) as PublishedDraw;
  }
  return JSON.parse(await readFile(source, 'utf8')) as PublishedDraw;
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [source] = argv;
  if (source === undefined || argv.length !== 1) {
    console.error('usage: npm run reproduce-draw -- <draw.json | https://host/v1/spot-checks/draws/{id}>');
    return 2;
  }
  let draw: PublishedDraw;
  let result: Reproduction;
  try {
    draw = await load(source);
    result = reproduceDraw(draw);
  } catch (error) {
    console.error(`cannot check: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof AppError && error.code === 'SECRET_MISMATCH' ? 1 : 2;
  }
  console.log(JSON.stringify({ draw: draw.id, targets: result.targets, inspectors: result.inspectors }, null, 2));
  if (!result.ok) {
    for (const problem of result.problems) console.error(`MISMATCH: ${problem}`);
    return 1;
  }
  console.error('OK: the published draw follows from its secret and inputs');
  return 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
