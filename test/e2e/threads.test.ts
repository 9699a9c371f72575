import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALL, runGmm } from './run-gmm.js';

/**
 * Large data take the other parallel path: starts searched on a subsample, then the
 * best refined on all rows with the E-step's row blocks (65,536 rows each) spread over
 * worker threads. The block sums are reduced in block order, so the bytes must not
 * depend on --threads.
 */
interface SavedModel {
  readonly fit: { logLikelihood: number };
  readonly components: { weight: number; meanOriginal: number[] }[];
}

/** `gmm fit … --threads N --out-dir <dir>/<name>`, by the binary: its model.json and segments.csv bytes. */
function fitWithThreads(
  dir: string,
  name: string,
  threads: number,
  args: string[],
): { model: Buffer; labels: Buffer } {
  const out = join(dir, name);
  const result = runGmm(['fit', ...args, '--threads', String(threads), '--out-dir', out, '-q']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return {
    model: readFileSync(join(out, 'model.json')),
    labels: readFileSync(join(out, 'segments.csv')),
  };
}

describe('large data: results do not depend on --threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmm-threads-'));
  const model = join(dir, 'mall.json');
  const rows = join(dir, 'rows.csv');

  it('fits 150,000 rows to the same bytes with 1 and 2 threads', () => {
    expect(
      runGmm(['fit', MALL, '--cols', 'income,score', '-k', '5', '--model', model, '-q']).status,
    ).toBe(0);
    // Three row blocks: more than one per thread.
    expect(
      runGmm(['sample', model, '-n', '150000', '--seed', '2', '--out', rows, '-q']).status,
    ).toBe(0);
    const outputs = [1, 2].map((threads) =>
      fitWithThreads(dir, `t${threads}`, threads, [rows, '-k', '5', '--n-init', '8']),
    );
    expect(outputs[1].model.equals(outputs[0].model)).toBe(true);
    expect(outputs[1].labels.equals(outputs[0].labels)).toBe(true);
    // And the refit is the mixture the rows were drawn from: each drawn component has a
    // refitted one with its weight (±0.01; the standard error at 150,000 rows is
    // ≤ 0.0013) and its mean (±1 unit; ≤ 0.1 standard errors' worth of rows per unit).
    const drawn = JSON.parse(readFileSync(model, 'utf8')) as SavedModel;
    const refit = (JSON.parse(outputs[0].model.toString('utf8')) as SavedModel).components;
    for (const component of drawn.components) {
      const distance = (c: SavedModel['components'][number]) =>
        Math.hypot(...c.meanOriginal.map((m, j) => m - component.meanOriginal[j]));
      const nearest = [...refit].sort((a, b) => distance(a) - distance(b))[0];
      expect(distance(nearest)).toBeLessThan(1);
      expect(Math.abs(nearest.weight - component.weight)).toBeLessThan(0.01);
    }
  });

  it('fits them with 30% of cells missing (--missing em) to the same bytes with 1 and 3 threads', () => {
    // Cells emptied by a fixed LCG, a row keeping at least one: ~42% of the rows have a
    // missing cell, so after grouping (complete rows first) they fill the end of the
    // second row block and the third, which the workers share as they do complete ones.
    const [header, ...lines] = readFileSync(rows, 'utf8').trimEnd().split('\n');
    const names = header.split(',');
    // the sampled columns: income and score (then the drawn segment, not modelled)
    const modelled = [0, 1];
    let state = 7;
    const holes = join(dir, 'holes.csv');
    const emptied = lines.map((line) => {
      const cells = line.split(',');
      const blank = modelled.filter(() => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32 < 0.3;
      });
      if (blank.length < modelled.length) for (const j of blank) cells[j] = '';
      return cells.join(',');
    });
    writeFileSync(holes, `${[header, ...emptied].join('\n')}\n`);
    // Few starts: what is tested is the row blocks' bytes, not the search.
    const outputs = [1, 3].map((threads) =>
      fitWithThreads(dir, `m${threads}`, threads, [
        holes,
        '--cols',
        `${names[0]},${names[1]}`,
        '-k',
        '5',
        '--missing',
        'em',
        '--impute',
        '--n-init',
        '4',
      ]),
    );
    const missingRows = emptied.filter((line) => /(^|,)(,|$)/.test(line)).length;
    // complete rows first: the rows with missing cells start inside the second block
    expect(lines.length - missingRows).toBeLessThan(2 * 65_536);
    for (const output of outputs.slice(1)) {
      expect(output.model.equals(outputs[0].model)).toBe(true);
      expect(output.labels.equals(outputs[0].labels)).toBe(true);
    }
  });
});
