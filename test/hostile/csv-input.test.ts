import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  expectNoCrash,
  fitTwoClusters,
  HOSTILE,
  runGmmInProcess,
  scratchDirectory,
} from './hostile.js';

/**
 * Broken CSV files through the real binary: fit reads the whole file, predict and
 * score stream it a batch at a time; both must say the same thing, exactly.
 */

const dir = scratchDirectory('csv');
const MODEL = fitTwoClusters(dir);
// The generated files are large (10 MB and more): not left behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [case, file, what follows "gmm <command>: " on stderr (message and hint lines)] */
const BROKEN_FILES: [string, string, string][] = [
  [
    'an empty file',
    'empty.csv',
    `${HOSTILE}/empty.csv: is empty\nhint: give a CSV file with a header row and data rows\n`,
  ],
  [
    'a header and no rows',
    'header-only.csv',
    `${HOSTILE}/header-only.csv: has a header but no data rows\nhint: give at least one row of data below the header\n`,
  ],
  [
    'a row with too many fields',
    'ragged-too-many.csv',
    `${HOSTILE}/ragged-too-many.csv: line 3: has 3 fields, but the header has 2\n` +
      'hint: a field may hold an unquoted ",": quote it, or check the delimiter\n',
  ],
  [
    'a row with too few fields',
    'ragged-too-few.csv',
    `${HOSTILE}/ragged-too-few.csv: line 3: has 1 fields, but the header has 2\n` +
      'hint: fill in the missing fields (empty is fine) so every row matches the header\n',
  ],
  [
    'a quote that is never closed',
    'unterminated-quote.csv',
    `${HOSTILE}/unterminated-quote.csv: line 3: a quoted field starts here but is never closed\n` +
      'hint: add the closing double quote, or double a quote inside a field ("")\n',
  ],
  [
    'invalid UTF-8 (latin-1 "café")',
    'invalid-utf8.csv',
    `${HOSTILE}/invalid-utf8.csv: line 4: is not valid UTF-8\n` +
      `hint: give its encoding, e.g. --encoding latin1 (or windows-1252, utf-16le), or convert it first: iconv -f latin1 -t utf-8 ${HOSTILE}/invalid-utf8.csv > utf8.csv\n`,
  ],
  [
    'a NUL byte',
    'nul-byte.csv',
    `${HOSTILE}/nul-byte.csv: line 3: contains a NUL byte, so it is not a text CSV file\n` +
      'hint: export the data as CSV text (UTF-8), or give --encoding utf-16le for a UTF-16 file\n',
  ],
];

/** [case, file, the cell as quoted, reason, hint]: each file has the bad cell on line 5, column x. */
const BAD_NUMBERS: [string, string, string, string, string][] = [
  [
    '1e309 (overflows)',
    'number-1e309.csv',
    '"1e309"',
    'is too large for a number',
    'rescale the column (e.g. to thousands)',
  ],
  [
    '-inf',
    'number-minus-inf.csv',
    '"-inf"',
    'is not a finite number',
    'replace infinite values, or leave the cell empty and use --missing drop',
  ],
  [
    'NaN (a missing value)',
    'number-nan.csv',
    '"NaN"',
    'is not a number (a missing value)',
    'use --missing drop to leave out rows with a missing value, or --missing em to fit on their observed cells',
  ],
  ['0x1F (hexadecimal)', 'number-hex.csv', '"0x1F"', 'is not a number', 'write numbers in decimal'],
  [
    '1,234 (a thousands separator)',
    'number-thousands.csv',
    '"1,234"',
    'is not a number',
    'remove the thousands separators (1234, not 1,234)',
  ],
  [
    '12% (a unit)',
    'number-percent.csv',
    '"12%"',
    'is not a number',
    'remove the % sign (write 12, or 0.12)',
  ],
];

describe('broken CSV files: one line, a hint, exit 1, nothing on stdout', () => {
  it.each(BROKEN_FILES)('fit: %s', async (_, file, expected) => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/${file}`, '--cols', 'x,y', '-k', '2']),
      1,
      `gmm fit: ${expected}`,
    );
  });

  it.each(BROKEN_FILES)('predict (streamed): %s', async (_, file, expected) => {
    expectFailure(
      await runGmmInProcess(['predict', MODEL, `${HOSTILE}/${file}`]),
      1,
      `gmm predict: ${expected}`,
    );
  });

  it.each(BROKEN_FILES)('score (streamed): %s', async (_, file, expected) => {
    expectFailure(
      await runGmmInProcess(['score', MODEL, `${HOSTILE}/${file}`]),
      1,
      `gmm score: ${expected}`,
    );
  });

  it('select-k: an empty file', async () => {
    expectFailure(
      await runGmmInProcess(['select-k', `${HOSTILE}/empty.csv`]),
      1,
      `gmm select-k: ${BROKEN_FILES[0][2]}`,
    );
  });

  it('the same file piped on stdin is named "stdin"', async () => {
    expectFailure(
      await runGmmInProcess(['fit', '-', '-k', '2'], 'x,y\n1,2\n3,4,5\n'),
      1,
      'gmm fit: stdin: line 3: has 3 fields, but the header has 2\n' +
        'hint: a field may hold an unquoted ",": quote it, or check the delimiter\n',
    );
  });

  it('invalid UTF-8 far into a streamed file names its line, not its chunk', async () => {
    const path = join(dir, 'late-latin1.csv');
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i % 7}.5,${i % 5}.25`);
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from(`x,y\n${rows.join('\n')}\n`),
        Buffer.from([0x63, 0x61, 0x66, 0xe9]),
        Buffer.from(',3\n'),
      ]),
    );
    const expected = `${path}: line 30002: is not valid UTF-8\nhint: give its encoding, e.g. --encoding latin1 (or windows-1252, utf-16le), or convert it first: iconv -f latin1 -t utf-8 ${path} > utf8.csv\n`;
    expectFailure(await runGmmInProcess(['fit', path, '-k', '1']), 1, `gmm fit: ${expected}`);
    const streamed = await runGmmInProcess(['score', MODEL, path]);
    // Rows before the bad line were already streamed out: only the message is checked.
    expect(streamed.stderr).toBe(`gmm score: ${expected}`);
    expect(streamed.status).toBe(1);
  });

  it('one data row: fit needs two, predict takes it', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/one-row.csv`, '-k', '1']),
      1,
      `gmm fit: ${HOSTILE}/one-row.csv: has 1 usable row; a mixture needs at least 2\nhint: give more rows\n`,
    );
    const predicted = await runGmmInProcess(['predict', MODEL, `${HOSTILE}/one-row.csv`]);
    expect(predicted.status).toBe(0);
    expect(predicted.stdout.split('\n')[0]).toBe('x,y,segment,p_1,p_2,certainty');
    expect(predicted.stderr).toBe('gmm predict: note: 1 row assigned to 2 segments\n');
  });
});

describe('duplicate header names: the selection says which', () => {
  it('--cols x when two columns are named x', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/duplicate-header.csv`, '--cols', 'x,y', '-k', '1']),
      2,
      'gmm fit: column name "x" appears 2 times (columns 1, 2)\nhint: select the one you mean by its 1-based number\n',
    );
  });

  it('the default selection refuses to guess', async () => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/duplicate-header.csv`, '-k', '1']),
      1,
      `gmm fit: ${HOSTILE}/duplicate-header.csv: column name "x" appears 2 times (columns 1, 2)\n` +
        'hint: say which to model with --cols and its 1-based number, or rename one\n',
    );
  });

  it('both columns by number: a model could not tell them apart', async () => {
    expectFailure(
      await runGmmInProcess([
        'select-k',
        `${HOSTILE}/duplicate-header.csv`,
        '--cols',
        '1,2',
        '-k',
        '1',
      ]),
      1,
      'gmm select-k: columns 1 and 2 are both named "x": a model cannot tell them apart\n' +
        'hint: rename one of them in the header; the columns are: 1 "x", 2 "x", 3 "y"\n',
    );
  });

  it('one of them by number is fine', async () => {
    const result = await runGmmInProcess([
      'fit',
      `${HOSTILE}/duplicate-header.csv`,
      '--cols',
      '2,y',
      '-k',
      '1',
      '--format',
      'csv',
    ]);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('segment,label,count,share,mean x,mean y,certainty');
  });

  it('predict names both columns, and closes the input it refused', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (const command of ['predict', 'score']) {
      expectFailure(
        await runGmmInProcess([command, MODEL, `${HOSTILE}/duplicate-header.csv`]),
        1,
        `gmm ${command}: ${HOSTILE}/duplicate-header.csv: column name "x" appears 2 times (columns 1, 2)\n` +
          'hint: give each column a unique name\n',
      );
    }
    // The file was open when its header was checked against the model's columns.
    expect(openFds()).toBe(before);
  });
});

describe('numbers that are not plain decimals', () => {
  it.each(BAD_NUMBERS)('fit: %s', async (_, file, cell, reason, hint) => {
    expectFailure(
      await runGmmInProcess(['fit', `${HOSTILE}/${file}`, '--cols', 'x,y', '-k', '2']),
      1,
      `gmm fit: ${HOSTILE}/${file}: line 5, column "x" (1): ${cell} ${reason}\nhint: ${hint}\n`,
    );
  });

  it.each(BAD_NUMBERS)('predict: %s', async (_, file, cell, reason, hint) => {
    expectFailure(
      await runGmmInProcess(['predict', MODEL, `${HOSTILE}/${file}`]),
      1,
      `gmm predict: ${HOSTILE}/${file}: line 5, column "x" (1): ${cell} ${reason}\nhint: ${hint}\n`,
    );
  });

  it('the default selection leaves a mostly numeric column out, and says why', async () => {
    const result = await runGmmInProcess([
      'fit',
      `${HOSTILE}/number-percent.csv`,
      '-k',
      '1',
      '--format',
      'csv',
    ]);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(
      'gmm fit: warning: column "x" (1) is not modelled: line 5 holds "12%", which is not a number\n',
    );
    expect(result.stdout.split('\n')[0]).toBe('segment,label,count,share,mean y,certainty');
  });

  it('" 42 " (spaces around a number) is accepted, and kept verbatim in the labelled CSV', async () => {
    const result = await runGmmInProcess([
      'fit',
      `${HOSTILE}/number-spaces.csv`,
      '--cols',
      'x,y',
      '-k',
      '1',
      '--labels',
      '-',
    ]);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[4]).toBe(' 42 ,4.5,1,1,1');
    const predicted = await runGmmInProcess(['predict', MODEL, `${HOSTILE}/number-spaces.csv`]);
    expect(predicted.status).toBe(0);
    expect(predicted.stdout.split('\n')[4]).toMatch(/^ 42 ,4\.5,\d,/);
  });
});

describe('a very long line (a 10 MB field)', () => {
  const long = join(dir, 'long-field.csv');
  writeFileSync(long, `x,y\n1.5,2.5\n2.5,3.5\n${'a'.repeat(10_000_000)},4\n3.5,1.5\n`);
  const cell = `"${'a'.repeat(60)}…"`;

  it('fit names the cell, shortened', async () => {
    expectFailure(
      await runGmmInProcess(['fit', long, '--cols', 'x,y', '-k', '1']),
      1,
      `gmm fit: ${long}: line 4, column "x" (1): ${cell} is not a number\n` +
        'hint: choose numeric columns with --cols, or fix the value\n',
    );
  });

  it('predict, streaming, says the same', async () => {
    expectFailure(
      await runGmmInProcess(['predict', MODEL, long]),
      1,
      `gmm predict: ${long}: line 4, column "x" (1): ${cell} is not a number\n` +
        'hint: choose numeric columns with --cols, or fix the value\n',
    );
  });

  it('a 1 MB column name is shortened in the summary table', async () => {
    const path = join(dir, 'long-name.csv');
    writeFileSync(path, `${'n'.repeat(1_000_000)},y\n1.5,2.5\n2.5,3.5\n3.5,1.5\n4.5,4\n`);
    const result = await runGmmInProcess(['fit', path, '--cols', '1,y', '-k', '1']);
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeLessThan(5_000);
    expect(result.stdout).toContain(`mean ${'n'.repeat(74)}…`);
  });
});
