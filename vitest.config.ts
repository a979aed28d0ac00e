import { defineConfig } from 'vitest/config';
import SlowFirst from './test/sequencer';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each test file gets its own database (see test/harness.ts), so files run in parallel safely.
    pool: 'forks',
    // Two at once on CI's two cores. The files wait on Postgres, Redis, SMTP and Chromium, but they
    // keep both cores busy. Clean clones on 8 December: 826 s with two, 832 s with three. Two use a
    // fifth less CPU (three spent it switching between processes), and each file's timeouts keep
    // more margin.
    maxWorkers: 2,
    // A worker runs file after file in one process, importing the app once instead of once per file
    // (~5 s of a 2-core machine each, 100-odd files). Safe because no file leans on module state:
    // each builds its own runtime over its own database (test/harness.ts) and mocks no modules.
    isolate: false,
    // Migrates a template database once per run; each file's database is copied from it.
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: SlowFirst },
  },
});
