import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectFailure,
  expectNoCrash,
  HOSTILE,
  runGmmInProcess,
  scratchDirectory,
} from './hostile.js';

/**
 * Data the mathematics cannot use: each is refused before fitting with a message
 * that says what to change, or fitted — never a NaN in an output.
 */

const dir = scratchDirectory('degenerate');

/** Every number in a JSON document, with where it is. */
function numbersIn(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => numbersIn(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => numbersIn(v, `${path}.${k}`));
  }
  return typeof value === 'number' || value === null ? [[path, value]] : [];
}

describe('degenerate data: refused with a reason, exit 1', () => {
  it('all rows identical', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/identical-rows.csv`, '-k', '1']),
      1,
      'gmm fit: column "x" is constant (every value is 3.5): it cannot separate segments\n' +
        'hint: leave it out of --cols (use it as a --profile column instead)\n',
    );
  });

  it('a constant column (select-k too)', async () => {
    expectFailure(
      await runGmmInProcess(['select-k', `${HOSTILE}/constant-column.csv`, '--cols', 'x,y']),
      1,
      'gmm select-k: column "y" is constant (every value is 7): it cannot separate segments\n' +
        'hint: leave it out of --cols (use it as a --profile column instead)\n',
    );
  });

  it('fewer distinct points than K', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/two-distinct-points.csv`, '-k', '3']),
      1,
      `gmm fit: ${HOSTILE}/two-distinct-points.csv: has only 2 distinct rows in the modelled columns, fewer than the 3 components asked for (-k 3)\n` +
        'hint: use -k 2 or fewer\n',
    );
  });

  it('K larger than the row count', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/three-rows.csv`, '-k', '5']),
      1,
      `gmm fit: ${HOSTILE}/three-rows.csv: has 3 rows, fewer than the 5 components asked for (-k 5)\n` +
        'hint: use -k 3 or fewer\n',
    );
  });

  it('K components with no more than K·d rows', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/three-rows.csv`, '-k', '2']),
      1,
      `gmm fit: ${HOSTILE}/three-rows.csv: has 3 rows, too few for the 2 components asked for (-k 2): each needs more rows than the 2 modelled columns\n` +
        'hint: use -k 1 or fewer, or model fewer columns\n',
    );
  });

  it('the row pre-check follows the structure: 6 rows × 3 columns, K=3', async () => {
    const file = join(scratchDirectory('rows-per-structure'), 'six.csv');
    writeFileSync(file, 'x,y,z\n1,2,3\n2,1,4\n5,5,1\n4,6,2\n9,1,1\n8,2,3\n');
    // full: each component needs more than d = 3 rows, so 6 ≤ 3·3 is refused up front
    expectFailure(
      await runGmmInProcess(['fit', file, '-k', '3']),
      1,
      `gmm fit: ${file}: has 6 rows, too few for the 3 components asked for (-k 3): each needs more rows than the 3 modelled columns\n` +
        'hint: use -k 1 or fewer, or model fewer columns\n',
    );
    // tied pools one covariance over all rows: no per-component count, so it fits
    const tied = await runGmmInProcess(['fit', file, '-k', '3', '--covariance', 'tied', '-q']);
    expect(tied.status).toBe(0);
    expect(tied.stdout).toMatch(/K=3 · tied covariance/);
    // diag needs more than one row per component: K=6 on 6 rows is refused up front
    expectFailure(
      await runGmmInProcess(['fit', file, '-k', '6', '--covariance', 'diag']),
      1,
      `gmm fit: ${file}: has 6 rows, too few for the 6 components asked for (-k 6): each needs more than 1 row (one row gives zero variance)\n` +
        'hint: use -k 5 or fewer\n',
    );
  });

  it('a sweep past the row count marks those cells failed and goes on', async () => {
    const result = await runGmmInProcess([
      'select-k',
      `${HOSTILE}/three-rows.csv`,
      '-k',
      '1..4',
      '--covariance',
      'full',
      '--format',
      'csv',
    ]);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    const rows = result.stdout.trim().split('\n');
    expect(rows[1]).toMatch(/^1,full,VVV,-7\.41\d+,5,.*,true,1,false,true,$/);
    expect(rows[4]).toBe('4,full,VVV,,,,,,,,,false,false,more components than rows (3)');
    expect(result.stdout).not.toMatch(/NaN|Infinity/);
  });

  it('more columns than rows (d > n), fit and select-k', async () => {
    const message =
      `${HOSTILE}/wider-than-long.csv: has 4 usable rows for 6 modelled columns; a mixture needs more rows than columns\n` +
      'hint: choose fewer columns with --cols, or give more rows\n';
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/wider-than-long.csv`]),
      1,
      `gmm fit: ${message}`,
    );
    expectFailure(
      await runGmmInProcess(['select-k', `${HOSTILE}/wider-than-long.csv`]),
      1,
      `gmm select-k: ${message}`,
    );
  });
});

describe('huge magnitudes', () => {
  it('1e150 (naive sums of squares overflow): fits, and every output is finite', async () => {
    const out = join(dir, 'huge');
    const result = await runGmmInProcess([
      'fit',
      `${HOSTILE}/huge-1e150.csv`,
      '-k',
      '2',
      '--out-dir',
      out,
      '--format',
      'json',
      '-q',
    ]);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'model.json',
      'plot.svg',
      'report.html',
      'segments.csv',
    ]);
    for (const [path, value] of numbersIn(JSON.parse(result.stdout))) {
      if (!path.endsWith('.certainty'))
        expect([path, Number.isFinite(value)]).toEqual([path, true]);
    }
    const model = readFileSync(join(out, 'model.json'), 'utf8');
    for (const [path, value] of numbersIn(JSON.parse(model))) {
      // null stands for a failed cell of the K sweep, never for a number.
      if (!/^\.selection\./.test(path))
        expect([path, Number.isFinite(value)]).toEqual([path, true]);
    }
    const labels = readFileSync(join(out, 'segments.csv'), 'utf8');
    expect(labels).not.toMatch(/NaN|Infinity/);
    expect(readFileSync(join(out, 'plot.svg'), 'utf8')).not.toMatch(/NaN|Infinity/);
    // The model reproduces its own labels.
    const predicted = await runGmmInProcess([
      'predict',
      join(out, 'model.json'),
      `${HOSTILE}/huge-1e150.csv`,
    ]);
    expect(predicted.status).toBe(0);
    expect(predicted.stdout).toBe(labels);
  });

  it('a spread of 1e200 (its variance overflows): refused, naming the column', async () => {
    const out = join(dir, 'huger');
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/huge-1e200.csv`, '-k', '2', '--out-dir', out]),
      1,
      `gmm fit: ${HOSTILE}/huge-1e200.csv: column "x" (1) has a spread of 3.2e+200: its variance in original units is too large for a number\n` +
        'hint: rescale the column first (e.g. divide it by 1e+200) and fit again\n',
    );
  });

  it('a scale that overflows (values near ±1.8e308) is refused before fitting', async () => {
    const csv = 'x,y\n-1.7e308,1\n1.7e308,2\n-1e308,3\n1e308,5\n0,4\n';
    expectFailure(
      await runGmmInProcess(['fit', '-', '-k', '1', '--scale', 'minmax'], csv),
      1,
      'gmm fit: column "x" cannot be scaled: its values run from -1.7e+308 to 1.7e+308, beyond what double-precision arithmetic can carry\n' +
        'hint: rescale the column first (e.g. to thousands, or to millionths)\n',
    );
  });

  it('--scale none with values near 1e200', async () => {
    const csv = 'x,y\n1e200,1\n2e200,2\n3e200,3\n4e200,5\n5e200,4\n';
    expectFailure(
      await runGmmInProcess(['fit', '-', '-k', '1', '--scale', 'none'], csv),
      1,
      'gmm fit: column "x": the value 5e+200 is too large to model unscaled\n' +
        'hint: use --scale standard, or rescale the column\n',
    );
  });

  it('an outlier 1e120 interquartile ranges out (--scale robust)', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i % 4},${(i * 7) % 5}`);
    const csv = `x,y\n${rows.join('\n')}\n1e120,2\n`;
    expectFailure(
      await runGmmInProcess(['fit', '-', '-k', '1', '--scale', 'robust'], csv),
      1,
      'gmm fit: column "x": the value 1e+120 is too far out to model (5.0e+119 in robust-scaled units)\n' +
        'hint: leave out the extreme rows, or rescale the column\n',
    );
  });

  it('predict: a row too far out to have a density is named, not scored as -Infinity', async () => {
    const out = scratchDirectory('far');
    expect(
      (
        await runGmmInProcess([
          'fit',
          `${HOSTILE}/two-clusters.csv`,
          '-k',
          '2',
          '--n-init',
          '4',
          '--model',
          join(out, 'model.json'),
        ])
      ).status,
    ).toBe(0);
    for (const command of ['predict', 'score']) {
      expectFailure(
        await runGmmInProcess([command, join(out, 'model.json'), '-'], 'x,y\n1,2\n1e300,3\n'),
        1,
        `gmm ${command}: stdin: line 3, column "x" (1): "1e300" is too far from the model's data to score (2.0e+299 in standard-scaled units)\n` +
          'hint: check the value; the model cannot give a density this far out\n',
      );
    }
  });
});
