import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One process per worker for all its files: the sources are imported once, not per
    // file (no test changes globals or mocks modules).
    isolate: false,
    // vitest's default is one worker fewer than the cores: a single one on 2 cores. Two
    // keep both cores busy (a few files also wait on the binary they spawn).
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: SlowFirstSequencer },
  },
});
