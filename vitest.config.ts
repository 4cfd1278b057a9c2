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
  },
});
