import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeSweep, terminalProgress } from '../../src/terminal/progress.js';
import type { MixtureParameters } from '../../src/engine/types.js';

/** A CommandIo whose stderr is a terminal or not, recording what is written to it. */
function fakeIo(isTTY: boolean) {
  const written: string[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY });
  stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { io: { stdout: new PassThrough(), stderr, env: {}, stdinIsTTY: true }, written };
}

describe('terminalProgress', () => {
  it('draws rows read, starts and the refined start on one line, then clears it', async () => {
    const { io, written } = fakeIo(true);
    const progress = terminalProgress(io, 'gmm fit', false);
    progress.rowsRead(1_234_567);
    progress.sweep({ phase: 'search', done: 10, total: 10 });
    progress.sweep({
      phase: 'refine',
      done: 3,
      total: 3,
      task: { nComponents: 5, covarianceType: 'full' },
      iteration: 14,
      logLikelihood: -12345678.9,
    });
    progress.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written[0]).toMatch(/^\rgmm fit: 1,234,567 rows read · \d+\.\d s/);
    expect(written[0].endsWith('\u001b[K')).toBe(true);
    expect(written[1]).toMatch(/^\rgmm fit: searching model 10\/10 · /);
    expect(written[2]).toContain(
      'refining on all rows 3/3 done · K=5 full · iteration 14 · ℓ -12345679',
    );
    expect(written.at(-1)).toBe('\r\u001b[K');
  });

  it('writes nothing when stderr is not a terminal, or with --quiet', async () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ]) {
      const { io, written } = fakeIo(isTTY);
      const progress = terminalProgress(io, 'gmm fit', quiet);
      progress.rowsRead(10);
      progress.sweep({ phase: 'search', done: 1, total: 1 });
      progress.end();
      await new Promise((resolve) => setImmediate(resolve));
      expect(written).toEqual([]);
    }
  });

  it('clears its line when the work fails, so the error starts on a clean line', async () => {
    const { io, written } = fakeIo(true);
    const failing = terminalProgress(io, 'gmm fit', false).during(async (progress) => {
      progress.rowsRead(5);
      throw new Error('bad row');
    });
    await expect(failing).rejects.toThrow('bad row');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.at(-1)).toBe('\r\u001b[K');
  });

  it('says which phase a sweep is in, and which K and start is running', () => {
    expect(describeSweep({ phase: 'search', done: 3, total: 12 })).toBe('searching model 4/12');
    expect(
      describeSweep({
        phase: 'search',
        done: 3,
        total: 12,
        task: { nComponents: 4, covarianceType: 'tied' },
        starts: { done: 48, total: 125 },
      }),
    ).toBe('searching model 4/12 · K=4 tied: start 48/125');
    const task = { nComponents: 5, covarianceType: 'full' } as const;
    expect(describeSweep({ phase: 'search', done: 3, total: 12, task })).toBe(
      'searching model 4/12 · K=5 full',
    );
    const search = { solutions: [], starts: [], moves: 0, failure: 'none' };
    const smaller = { nComponents: 4 } as MixtureParameters;
    expect(
      describeSweep({
        phase: 'search',
        done: 10,
        total: 12,
        task: { ...task, neighbours: { search, smaller } },
      }),
    ).toBe('improving 11/12 · K=5 full from K=4 and K=6');
    expect(
      describeSweep({
        phase: 'refine',
        done: 0,
        total: 3,
        task: { nComponents: 2, covarianceType: 'diag' },
        iteration: 1,
        logLikelihood: -10,
      }),
    ).toBe('refining on all rows 0/3 done · K=2 diag · iteration 1 · ℓ -10.000000');
  });
});
