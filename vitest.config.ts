import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-env.ts'],
    pool: 'forks',
    // Two cores: DynamoDB Local, Chromium and the CDK synth share them.
    maxWorkers: 2,
    // Timeouts bound hangs, never speed: tests wait for the conditions they need, and a loaded
    // two-core machine runs them several times slower than an idle one.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // `npm test` turns it on (`--coverage`) and fails below a threshold; a subset run measures
    // nothing unless asked, since a subset cannot meet thresholds set for the whole suite.
    coverage: {
      provider: 'v8',
      // Every source file counts, tested or not: an untested file is 0 %, never invisible.
      include: ['shared/**/*.ts', 'functions/**/*.ts'],
      exclude: ['**/*.d.ts', '**/*.test.ts', '**/fixtures/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: {
        // shared/ and functions/ together: at least 90 % of branches (measured 91.6 %), and
        // lines (measured 98.2 %) a point below, so timing-dependent paths cannot fail a run.
        branches: 90,
        lines: 97,
        // Globs that still match when files move between folders (a test checks each matches).
        // The rules that refuse a custody move or flag a copied code are tested to every branch.
        '**/custody/domain/rules.ts': { 100: true },
        '**/scan-rules.ts': { 100: true },
        '**/domain/forged-scans.ts': { 100: true },
      },
    },
  },
});
