import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, runGmmInProcess, scratchDirectory } from './hostile.js';

/** Bad --weights: exit 1, one line naming file, line, column and value, and a hint. */

const dir = scratchDirectory('weights');
const HINT =
  'hint: a weight says how many rows a row stands for: a number ≥ 0 (0 keeps the row out of the fit, still labelled)\n';

/** Ten rows of two clusters, with `bad` as the weight of the fourth (line 5). */
function withWeight(name: string, bad: string, all?: string): string {
  const rows = ['x,y,w'];
  for (let i = 0; i < 10; i++) {
    const w = all ?? (i === 3 ? bad : '1');
    rows.push(`${i < 5 ? i * 0.1 : 5 + i * 0.1},${i < 5 ? 1 + i * 0.2 : 6 - i * 0.1},${w}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

const CASES: [string, string, string | undefined, string][] = [
  ['negative', '-1', undefined, '"-1" is negative; weights must be numbers ≥ 0'],
  ['not a number', 'abc', undefined, '"abc" is not a number; weights must be numbers ≥ 0'],
  ['NaN', 'NaN', undefined, '"NaN" is a missing weight; weights must be numbers ≥ 0'],
  ['empty', '', undefined, '"" is a missing weight; weights must be numbers ≥ 0'],
  ['infinite', '1e999', undefined, '"1e999" is not a number; weights must be numbers ≥ 0'],
];

describe('hostile weights', () => {
  for (const [name, bad, all, message] of CASES) {
    it(`a ${name} weight names its line and value`, async () => {
      const file = withWeight(`${name.replace(/ /g, '-')}.csv`, bad, all);
      const result = await runGmmInProcess([
        'fit',
        file,
        '--cols',
        'x,y',
        '-k',
        '2',
        '--weights',
        'w',
      ]);
      expectFailure(result, 1, `gmm fit: ${file}: line 5, column "w" (3): ${message}\n${HINT}`);
    });
  }

  it('all weights zero is refused', async () => {
    const file = withWeight('zeros.csv', '0', '0');
    const result = await runGmmInProcess([
      'select-k',
      file,
      '--cols',
      'x,y',
      '-k',
      '1..2',
      '--weights',
      'w',
    ]);
    expectFailure(
      result,
      1,
      `gmm select-k: ${file}: every weight in column "w" (3) is 0: no row counts\n${HINT}`,
    );
  });

  it('a weight column that is also modelled is a usage error', async () => {
    const file = withWeight('modelled.csv', '1');
    const result = await runGmmInProcess([
      'fit',
      file,
      '--cols',
      'x,w',
      '-k',
      '2',
      '--weights',
      'w',
    ]);
    expectFailure(
      result,
      2,
      'gmm fit: --weights "w" is also a modelled column (--cols)\nhint: a weight column says how many rows each row stands for: leave it out of --cols\n',
    );
  });

  it('--impute without --missing em is a usage error', async () => {
    const file = withWeight('impute.csv', '1');
    const result = await runGmmInProcess(['fit', file, '--cols', 'x,y', '-k', '2', '--impute']);
    expectFailure(
      result,
      2,
      'gmm fit: --impute needs --missing em (with --missing error no row keeps a missing cell)\nhint: add --missing em to fit the rows with missing cells and impute them\n',
    );
  });

  it('a row of weight 0 is still labelled', async () => {
    const file = withWeight('zero-row.csv', '0');
    const labels = join(dir, 'zero-row-labels.csv');
    const result = await runGmmInProcess([
      'fit',
      file,
      '--cols',
      'x,y',
      '-k',
      '2',
      '--weights',
      'w',
      '--labels',
      labels,
      '-q',
    ]);
    expect(result.status).toBe(0);
    const lines = readFileSync(labels, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(11);
    expect(lines[4]).toMatch(/^[0-9.]+,[0-9.]+,0,[12],/);
  });
});
