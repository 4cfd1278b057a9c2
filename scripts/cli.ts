#!/usr/bin/env -S node --import tsx
/**
 * `npm run cli -- issue …` or `npx traceseal issue …` from the checkout: the factory CLI
 * (scripts/cli/run.ts). Exits 0 when the files are downloaded and a sample of their codes
 * verified, 1 with a one-line reason otherwise.
 */
import { CliError, runCli } from './cli/run';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env, fetch: (u, i) => fetch(u, i) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\n${error instanceof CliError ? error.message : `Unexpected error: ${String(error)}`}\n`);
    process.exit(1);
  },
);
