import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  expectNoCrash,
  HOSTILE,
  ROOT,
  runGmmInProcess,
  scratchDirectory,
  type RunResult,
} from './hostile.js';

/**
 * Names and values from the data are inert everywhere: escaped in SVG, kept exactly
 * in CSV and JSON files (they parse back), and shown on the terminal with their
 * control characters made visible.
 */

const FILE = `${HOSTILE}/hostile-names.csv`;
/** The header of hostile-names.csv: five modelled columns, then a category column. */
const NAMES = [
  '<script>alert(1)</script>',
  'say "hi" \\ back',
  'two\nlines',
  '\u001b[31mred\u001b[0m',
  'bidi \u202eevil',
  'cat\u001b]0;pwned\u0007egory',
];
const MODELLED = ['--cols', '1,2,3,4,5', '--profile', '6', '-k', '2', '--n-init', '4'];

/** What a terminal obeys rather than shows (tab and line feed aside), and SVG must not hold. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OBEYED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const input = parse(readFileSync(join(ROOT, FILE), 'utf8')) as string[][];
const dir = scratchDirectory('inert');

function expectInert(text: string): void {
  expect(text).not.toMatch(OBEYED);
}

/** Well-formed enough: every < opens a tag, every & starts an entity, nothing a browser runs. */
function expectSafeSvg(svg: string): void {
  expectInert(svg);
  expect(svg).not.toMatch(/<(?![A-Za-z/?!])/);
  expect(svg).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/);
  expect(svg).not.toMatch(/<script|<foreignObject|\son[a-z]+=/i);
}

describe('gmm fit on hostile names', () => {
  const out = join(dir, 'fit');
  let result: RunResult;
  beforeAll(async () => {
    result = await runGmmInProcess([
      'fit',
      FILE,
      ...MODELLED,
      '--out-dir',
      out,
      '--plot-cols',
      '4,5',
    ]);
  });

  it('succeeds, and the terminal sees control characters made visible', () => {
    expectNoCrash(result);
    expect(result.status).toBe(0);
    expectInert(result.stdout);
    expectInert(result.stderr);
    expect(result.stdout).toContain('mean \\x1b[31mred\\x1b[0m');
    expect(result.stdout).toContain('mean bidi \\u202eevil');
    expect(result.stdout).toContain('cat\\x1b]0;pwned\\x07egory');
    expect(result.stdout).toContain('mean <script>alert(1)</script>');
  });

  it('segments.csv keeps every name and value exactly (it parses back)', () => {
    const labelled = parse(readFileSync(join(out, 'segments.csv'), 'utf8')) as string[][];
    expect(labelled[0]).toEqual([...NAMES, 'segment', 'p_1', 'p_2', 'certainty']);
    expect(labelled.map((row) => row[5])).toEqual(input.map((row) => row[5]));
  });

  it('model.json keeps the names exactly, with control characters as \\u escapes', () => {
    const text = readFileSync(join(out, 'model.json'), 'utf8');
    expectInert(text);
    expect((JSON.parse(text) as { columns: string[] }).columns).toEqual(NAMES.slice(0, 5));
  });

  it('plot.svg escapes markup and shows control characters', () => {
    const svg = readFileSync(join(out, 'plot.svg'), 'utf8');
    expectSafeSvg(svg);
    expect(svg).toContain('&lt;script&gt;alert');
    expect(svg).toContain('>\\x1b[31mred\\x1b[0m</text>');
    expect(svg).toContain('>bidi \\u202eevil</text>');
  });
});

describe('summary formats', () => {
  it.each(['json', 'csv', 'markdown'])(
    '--format %s shows no raw control character',
    async (format) => {
      const result = await runGmmInProcess(['fit', FILE, ...MODELLED, '--format', format]);
      expectNoCrash(result);
      expect(result.status).toBe(0);
      expectInert(result.stdout);
      if (format === 'json') {
        const summary = JSON.parse(result.stdout) as {
          columns: string[];
          profileColumns: string[];
        };
        expect(summary.columns).toEqual(NAMES.slice(0, 5));
        expect(summary.profileColumns).toEqual([NAMES[5]]);
      }
    },
  );

  it('select-k: the table, its JSON and the criterion plot', async () => {
    const plot = join(dir, 'bic.svg');
    const table = await runGmmInProcess([
      'select-k',
      FILE,
      '--cols',
      '4,5,1',
      '-k',
      '1..2',
      '--n-init',
      '3',
    ]);
    expectNoCrash(table);
    expectInert(table.stdout);
    const json = await runGmmInProcess([
      'select-k',
      FILE,
      '--cols',
      '4,5,1',
      '-k',
      '1..2',
      '--n-init',
      '3',
      '--format',
      'json',
      '--plot',
      plot,
    ]);
    expect(json.status).toBe(0);
    expectInert(json.stdout);
    expect((JSON.parse(json.stdout) as { columns: string[] }).columns).toEqual([
      NAMES[3],
      NAMES[4],
      NAMES[0],
    ]);
    expectSafeSvg(readFileSync(plot, 'utf8'));
  });
});

describe('predict and score: data verbatim to a pipe, visible on a terminal', () => {
  const model = join(dir, 'model.json');
  beforeAll(async () => {
    await runGmmInProcess(['fit', FILE, ...MODELLED, '--model', model, '-q']);
  });

  it('piped, the labelled CSV parses back to the input exactly', async () => {
    const result = await runGmmInProcess(['predict', model, FILE]);
    expect(result.status).toBe(0);
    const labelled = parse(result.stdout) as string[][];
    expect(labelled.map((row) => row.slice(0, 6))).toEqual(input);
    expectInert(result.stderr);
  });

  it('score through --out keeps the values exactly', async () => {
    const path = join(dir, 'scores.csv');
    expect((await runGmmInProcess(['score', model, FILE, '--out', path])).status).toBe(0);
    const scored = parse(readFileSync(path, 'utf8')) as string[][];
    expect(scored.map((row) => row.slice(0, 6))).toEqual(input);
  });

  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  it.skipIf(script.status !== 0)(
    'on a terminal (script(1) gives it one) the rows show escapes, not raw ESC',
    () => {
      const command = `node bin/gmm.js predict ${model} ${FILE}`;
      const result = spawnSync('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(result.status).toBe(0);
      // The terminal turns \n into \r\n; everything else must be plain text.
      const shown = result.stdout.replace(/\r\n/g, '\n');
      expectInert(shown);
      expect(shown).toContain('\\x1b[31mred\\x1b[0m');
      expect(shown).toContain('\\x1b[1;31mESC\\x1b[0m');
    },
  );
});

describe('error messages quote names and values with control characters escaped', () => {
  it('a bad cell in a column named with ESC', async () => {
    expectFailure(
      await runGmmInProcess(
        ['fit', '-', '--cols', '1,y', '-k', '1'],
        '\u001b[31mred,y\n1,2\n\u001b[2Jx,3\n4,5\n',
      ),
      1,
      'gmm fit: stdin: line 3, column "\\u001b[31mred" (1): "\\u001b[2Jx" is not a number\n' +
        'hint: choose numeric columns with --cols, or fix the value\n',
    );
  });

  it('--cols that matches nothing lists every header, escaped', async () => {
    expectFailure(
      await runGmmInProcess(['fit', FILE, '--cols', '\u001b[2J']),
      2,
      'gmm fit: no column matches "\\u001b[2J"\n' +
        'hint: the columns are: 1 "<script>alert(1)</script>", 2 "say \\"hi\\" \\\\ back", 3 "two\\nlines", ' +
        '4 "\\u001b[31mred\\u001b[0m", 5 "bidi \\u202eevil", 6 "cat\\u001b]0;pwned\\u0007egory"\n',
    );
  });

  it('a file name holding ESC', async () => {
    const path = join(dir, 'evil\u001b[31m.csv');
    writeFileSync(path, 'x,y\n1,2\n3,4,5\n');
    const shown = path.replace('\u001b', '\\x1b');
    expectFailure(
      await runGmmInProcess(['fit', path]),
      1,
      `gmm fit: ${shown}: line 3: has 3 fields, but the header has 2\n` +
        'hint: a field may hold an unquoted ",": quote it, or check the delimiter\n',
    );
  });
});
