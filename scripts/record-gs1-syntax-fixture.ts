/**
 * Records GS1's reference answers for the Digital Link differential test.
 *
 *   npx tsx scripts/record-gs1-syntax-fixture.ts <console-app binary> --engine-commit <sha> [--syndict <file>]
 *
 * The binary is the console application of the GS1 Barcode Syntax Engine
 * (github.com/gs1/gs1-syntax-engine, `make app-cpp-static` in src/c-lib), built by whoever
 * records, at the commit they name. Nothing of the engine is part of this project: this script
 * only runs the binary it is given over the corpus in
 * test/fixtures/gs1-syntax-engine/digital-link-corpus.json and writes each case's verdict and
 * element string back into that file, so `npm test` compares against them without a C toolchain.
 * To add a case, add `{ "name", "uri", "group" }` to the corpus and record again.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const FIXTURE_PATH = resolve(import.meta.dirname, '../test/fixtures/gs1-syntax-engine/digital-link-corpus.json');

export interface EngineAnswer {
  valid: boolean;
  /** Bracketed AI element string, as the engine prints it, when valid. */
  elementString?: string;
  /** The engine's error message, when not. */
  error?: string;
}

export interface CorpusCase {
  name: string;
  uri: string;
  /** `same-unit` / `same-container`: spellings of the corpus' canonical label; `other`: anything else. */
  group: 'same-unit' | 'same-container' | 'other';
  engine?: EngineAnswer;
}

export interface Corpus {
  engine?: { repository: string; commit: string; syntaxDictionary: string; application: string };
  cases: CorpusCase[];
}

/**
 * The console app is an interactive menu: option 1 takes a line of raw data (a Digital Link
 * URI among others) and the state it then prints shows the AI element string or an error.
 */
const ask = (binary: string, uri: string, syndict: string | undefined): EngineAnswer => {
  const args = syndict === undefined ? [] : ['--syndict', syndict];
  const run = spawnSync(binary, args, { input: `1\n${uri}\n0\n`, encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) throw new Error(`engine failed on ${uri}: ${run.stderr || run.stdout}`);
  const answer = run.stdout.split('Enter data:')[1] ?? '';
  const error = /ERROR message: (.*)/.exec(answer)?.[1]?.trim();
  if (error !== undefined) return { valid: false, error };
  const elementString = /AI element string:\s+(.*)/.exec(answer)?.[1]?.trim();
  if (elementString === undefined) throw new Error(`no answer from the engine for ${uri}`);
  if (elementString.includes('Not AI-based data')) return { valid: false, error: 'Not AI-based data' };
  return { valid: true, elementString };
};

const dictionaryRelease = (syndict: string | undefined): string => {
  if (syndict === undefined) return 'embedded in the engine build';
  return /^# Release: (.*)$/m.exec(readFileSync(syndict, 'utf8'))?.[1]?.trim() ?? 'unknown';
};

const main = (): void => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'engine-commit': { type: 'string' }, syndict: { type: 'string' } },
  });
  const [binary] = positionals;
  const commit = values['engine-commit'];
  if (binary === undefined || commit === undefined || !/^[0-9a-f]{40}$/.test(commit)) {
    console.error('usage: record-gs1-syntax-fixture <console-app binary> --engine-commit <40-hex sha> [--syndict <file>]');
    process.exit(2);
  }
  const corpus = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Corpus;
  const recorded: Corpus = {
    engine: {
      repository: 'https://github.com/gs1/gs1-syntax-engine',
      commit,
      syntaxDictionary: dictionaryRelease(values.syndict),
      application: 'src/c-lib console application (gs1encoders-cpp-app), default options',
    },
    cases: corpus.cases.map(({ name, uri, group }) => ({ name, uri, group, engine: ask(binary, uri, values.syndict) })),
  };
  writeFileSync(FIXTURE_PATH, `${JSON.stringify(recorded, null, 2)}\n`);
  const valid = recorded.cases.filter((c) => c.engine?.valid === true).length;
  console.log(`recorded ${recorded.cases.length} cases (${valid} valid) at engine ${commit}`);
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) main();
