/**
 * `npm run reproduce-draw -- <draw.json | https://host/v1/spot-checks/draws/{id}> [--population <file> | --token <bearer>]`
 *
 * Recomputes a published spot-check draw offline from its revealed secret, its revealed
 * service salt and its published inputs, and compares it with what the service published:
 * the secret and the service salt against their commitments, the target positions and the
 * inspectors. The population list (public for organizations and lots; for a units draw, a
 * file you hold or, with a token of a regulator or the lot's factory, the draw's population
 * route) is checked against its commitment and the targets' ids against the positions.
 * Exit 0: the draw is reproduced; 1: it is not; 2: it cannot be checked (not revealed,
 * unreadable, usage). Draws of the retired `traceseal-spot-check/1` are checked as it defined.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { AppError } from '#kernel/errors';
import {
  checkPopulation,
  commitmentOf,
  computeDraw,
  type DrawInputs,
  parseSecret,
  SERVICE_SALT_PATTERN,
  sha256,
  targetsAt,
} from '#shared/spot-checks/domain/spot-check-draw';
import { computeDrawV1, DRAW_ALGORITHM_V1, type DrawInputsV1 } from '#shared/spot-checks/domain/spot-check-draw-v1';

export interface PublishedDraw {
  id?: string;
  status?: string;
  commitment?: string;
  inputs?: DrawInputs | DrawInputsV1;
  population?: string[];
  secret?: string;
  serviceSalt?: string;
  targetPositions?: number[];
  targets?: string[];
  selectedInspectors?: string[];
}

export interface Reproduction {
  ok: boolean;
  problems: string[];
  targetPositions: number[];
  /** Undefined when no population list was at hand: the draw is then checked by position. */
  targets?: string[];
  inspectors: string[];
}

/** The population list and the entitled view's targets, when the caller has them. */
export interface HeldPopulation {
  population: string[];
  targets?: string[];
}

const sameList = <T>(a: readonly T[], b: readonly T[] | undefined): boolean =>
  b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);

const mismatch = (problem: string): Reproduction => ({ ok: false, problems: [problem], targetPositions: [], inspectors: [] });

const reproduceV1 = (draw: PublishedDraw, inputs: DrawInputsV1, held: HeldPopulation | undefined): Reproduction => {
  const population = inputs.population ?? held?.population;
  if (population === undefined) {
    throw new Error('this traceseal-spot-check/1 units draw hashed its serials: give --population or --token to check it');
  }
  const secret = parseSecret(draw.secret as string);
  if (commitmentOf(secret) !== inputs.commitment) return mismatch('SHA-256 of the revealed secret is not the commitment');
  const outcome = computeDrawV1({ ...inputs, population }, secret);
  const problems: string[] = [];
  const published = draw.targets ?? held?.targets;
  if (!sameList(outcome.targets, published)) problems.push('the published targets differ from the recomputed ones');
  if (!sameList(outcome.inspectors, draw.selectedInspectors))
    problems.push('the published inspectors differ from the recomputed ones');
  const targetPositions = outcome.targets.map((target) => population.indexOf(target));
  return { ok: problems.length === 0, problems, targetPositions, targets: outcome.targets, inspectors: outcome.inspectors };
};

export const reproduceDraw = (draw: PublishedDraw, held?: HeldPopulation): Reproduction => {
  const { inputs } = draw;
  if (inputs === undefined || draw.secret === undefined) {
    throw new Error(`draw ${draw.id ?? '?'} is ${draw.status ?? 'not revealed'}: it has no inputs and secret to check yet`);
  }
  if (draw.commitment !== undefined && draw.commitment !== inputs.commitment) {
    return mismatch('the published commitment differs from the one in the inputs');
  }
  if (inputs.algorithm === DRAW_ALGORITHM_V1) return reproduceV1(draw, inputs, held);
  if (draw.serviceSalt === undefined || !SERVICE_SALT_PATTERN.test(draw.serviceSalt)) {
    throw new Error(`draw ${draw.id ?? '?'} has no revealed service salt`);
  }
  const secret = parseSecret(draw.secret);
  const salt = Buffer.from(draw.serviceSalt, 'hex');
  if (commitmentOf(secret) !== inputs.commitment) return mismatch('SHA-256 of the revealed secret is not the commitment');
  if (sha256(salt).toString('hex') !== inputs.serviceSaltCommitment) {
    return mismatch('SHA-256 of the revealed service salt is not the service salt commitment published at the fix');
  }
  const outcome = computeDraw(inputs, secret, salt);
  const problems: string[] = [];
  if (!sameList(outcome.targetPositions, draw.targetPositions)) {
    problems.push('the published target positions differ from the recomputed ones');
  }
  if (!sameList(outcome.inspectors, draw.selectedInspectors))
    problems.push('the published inspectors differ from the recomputed ones');
  const population = draw.population ?? held?.population;
  let targets: string[] | undefined;
  if (population !== undefined) {
    try {
      checkPopulation(population, inputs.population);
      targets = targetsAt(population, outcome.targetPositions);
      const published = draw.targets ?? held?.targets;
      if (published !== undefined && !sameList(targets, published))
        problems.push('the published targets differ from the recomputed ones');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(`the population list is not the committed one (${error.message})`);
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    targetPositions: outcome.targetPositions,
    ...(targets === undefined ? {} : { targets }),
    inspectors: outcome.inspectors,
  };
};

const fetchJson = async (url: string, token?: string): Promise<unknown> => {
  const res = await fetch(url, {
    headers: { accept: 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
};

const isUrl = (source: string): boolean => /^https?:\/\//.test(source);

const load = async (source: string): Promise<PublishedDraw> =>
  (isUrl(source) ? await fetchJson(source) : JSON.parse(await readFile(source, 'utf8'))) as PublishedDraw;

/** A population file: a JSON array of ids, or the population route's answer. */
const loadHeld = async (source: string, options: Map<string, string>): Promise<HeldPopulation | undefined> => {
  const file = options.get('--population');
  if (file !== undefined) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? { population: parsed as string[] } : (parsed as HeldPopulation);
  }
  const token = options.get('--token');
  if (token === undefined) return undefined;
  if (!isUrl(source)) throw new Error('--token needs the draw as a URL');
  return (await fetchJson(`${source.replace(/\/$/, '')}/population`, token)) as HeldPopulation;
};

const USAGE =
  'usage: npm run reproduce-draw -- <draw.json | https://host/v1/spot-checks/draws/{id}> [--population <file> | --token <bearer>]';

const main = async (argv: readonly string[]): Promise<number> => {
  const [source, ...rest] = argv;
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const [name, value] = [rest[i], rest[i + 1]];
    if ((name === '--population' || name === '--token') && value !== undefined) options.set(name, value);
  }
  // One option at most, each with its value, and nothing else.
  if (source === undefined || options.size * 2 !== rest.length || options.size > 1) {
    console.error(USAGE);
    return 2;
  }
  let draw: PublishedDraw;
  let result: Reproduction;
  try {
    draw = await load(source);
    result = reproduceDraw(draw, await loadHeld(source, options));
  } catch (error) {
    console.error(`cannot check: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof AppError && error.code === 'SECRET_MISMATCH' ? 1 : 2;
  }
  const { targetPositions, targets, inspectors } = result;
  console.log(
    JSON.stringify({ draw: draw.id, targetPositions, ...(targets === undefined ? {} : { targets }), inspectors }, null, 2),
  );
  if (!result.ok) {
    for (const problem of result.problems) console.error(`MISMATCH: ${problem}`);
    return 1;
  }
  console.error(
    targets === undefined
      ? 'OK: the published draw follows from its secret, service salt and inputs (targets checked by position: the serials are not public)'
      : 'OK: the published draw follows from its secret, service salt and inputs',
  );
  return 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
