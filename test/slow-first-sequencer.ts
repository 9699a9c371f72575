/**
 * The test files' order: vitest's own (failed first, then longest first by its timing
 * cache), except that the files known to take longest start first even without that
 * cache. A fresh clone (CI) has none, and vitest then orders by file size, which left
 * the short-but-slow race sweeps for last while the other worker sat idle (~5 s of a
 * 72 s run).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Slowest first, as measured on 2 cores (each 7–20 s of a run). */
const SLOW_FILES = [
  'test/engine/race.test.ts',
  'test/e2e/select-k.test.ts',
  'test/e2e/threads.test.ts',
  'test/browser/report-browser.test.ts',
  'test/engine/search.test.ts',
  'test/engine/mclust-reference.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FILES.indexOf(relative(this.ctx.config.root, file.moduleId));
      return index === -1 ? SLOW_FILES.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
