import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each test file gets its own database (see test/harness.ts), so files run in parallel safely.
    pool: 'forks',
    // Migrates a template database once per run; each file's database is copied from it.
    globalSetup: ['test/global-setup.ts'],
  },
});
