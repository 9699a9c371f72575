import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    isolate: false,
    // vitest's default is one worker fewer than the cores: a single one on 2 cores. Most
    // files wait on the binary they spawn, so two keep both cores busy.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
