import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectNoCrash,
  fitTwoClusters,
  runGmmInProcess,
  scratchDirectory,
  type RunResult,
} from './hostile.js';

/**
 * Random CSV text through the built CLI. Whatever the bytes, gmm ends with exit 0,
 * 1 or 2 and no stack trace; a failure is lines of `gmm <command>: …` and `hint: …`
 * with nothing on stdout; a success writes no NaN or Infinity of its own.
 *
 * Each case is a file read by the CLI run in this process (runGmmInProcess: the same
 * code as the binary without a node start-up per case). The runs are few and the seed
 * fixed, for a suite that is quick and repeatable; GMM_FC_SEED and GMM_FC_RUNS explore
 * further.
 */

const SEED = Number(process.env.GMM_FC_SEED ?? 20_251_123);
const RUNS = Number(process.env.GMM_FC_RUNS ?? 1);

/** Numbers as exports write them, and as they should not. */
const weirdNumber = fc.constantFrom(
  '1e309',
  '-1e309',
  '1e300',
  '-1.7e308',
  '1e-300',
  '5e-324',
  '0x1F',
  '1,234',
  '12%',
  ' 42 ',
  '+5',
  '.5',
  '5.',
  '-0',
  '1E5',
  '-inf',
  'Infinity',
  'NaN',
  '1_000',
  '١٢',
  '1 2',
  '1e',
);

/** Text as exports write it, and worse: quotes, markup, control characters, unicode. */
const text = fc.oneof(
  fc.constantFrom(
    '',
    'NA',
    'n/a',
    '-',
    '?',
    'null',
    'Male',
    'Female',
    '<script>alert(1)</script>',
    'a"b',
    '"',
    '\\',
    '\u001b[31mred',
    '\u202eevil',
    '\u009b2J',
    'tab\there',
    'new\nline',
    'cr\rhere',
    '😀',
    'naïve',
    ' ',
  ),
  // Any code points; NUL bytes come from the 'nul' damage instead, so not every case is binary.
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replaceAll('\u0000', '')),
);

/** A cell of a column of numbers: plain decimals at the column's magnitude, with junk if dirty. */
function numberCell(magnitude: number, dirty: boolean) {
  const plain = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.double({ min: -100, max: 100, noNaN: true }).map((x) => String(x * magnitude)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((k) => String(k * magnitude)) },
  );
  if (!dirty) return plain;
  return fc.oneof(
    { weight: 12, arbitrary: plain },
    { weight: 1, arbitrary: weirdNumber },
    { weight: 1, arbitrary: text },
  );
}

const column = fc.record({
  name: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('x', 'y', 'Income', 'id', 'segment') },
    { weight: 2, arbitrary: text },
  ),
  kind: fc.constantFrom('number', 'number', 'number', 'dirty', 'text'),
  magnitude: fc.constantFrom(1, 1, 1, 1e-300, 1e-5, 1e150, 1e300),
});

/** The model's columns x and y, numeric, then anything: input predict and score can match. */
const modelColumns = fc
  .tuple(fc.array(column, { maxLength: 2 }), fc.constantFrom(1, 1, 1e-5, 1e300))
  .map(([rest, magnitude]) => [
    { name: 'x', kind: 'number', magnitude },
    { name: 'y', kind: 'number', magnitude: 1 },
    ...rest,
  ]);

type Column = { name: string; kind: string; magnitude: number };

/** A table as cells, then its rendering: delimiter, quoting, line ends, BOM, blank lines, damage. */
function csvCase(columns: fc.Arbitrary<Column[]>): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      columns,
      nRows: fc.integer({ min: 0, max: 24 }),
      delimiter: fc.constantFrom(',', ',', ';', '\t'),
      lineEnd: fc.constantFrom('\n', '\n', '\r\n', '\r'),
      bom: fc.boolean(),
      blankLines: fc.boolean(),
      damage: fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'none',
        'none',
        'ragged',
        'stray-quote',
        'bad-utf8',
        'nul',
        'spaces-line',
        'truncate',
      ),
    })
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        rows: fc.array(
          fc.tuple(
            ...shape.columns.map((c) =>
              c.kind === 'text' ? text : numberCell(c.magnitude, c.kind === 'dirty'),
            ),
          ),
          { minLength: shape.nRows, maxLength: shape.nRows },
        ),
        where: fc.nat(),
      }),
    )
    .map(({ shape, rows, where }) =>
      render(shape, [shape.columns.map((c) => c.name), ...rows], where),
    );
}

function quote(cell: string, delimiter: string): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function render(
  shape: { delimiter: string; lineEnd: string; bom: boolean; blankLines: boolean; damage: string },
  table: string[][],
  where: number,
): Uint8Array {
  const lines = table.map((cells) =>
    cells.map((c) => quote(c, shape.delimiter)).join(shape.delimiter),
  );
  const at = where % lines.length;
  if (shape.damage === 'ragged') lines[at] += `${shape.delimiter}extra`;
  if (shape.damage === 'stray-quote') lines[at] = `"${lines[at]}`;
  if (shape.damage === 'spaces-line') lines.splice(at + 1, 0, '  ');
  if (shape.blankLines) lines.splice(Math.min(1, lines.length), 0, '', '');
  let body = `${shape.bom ? '\ufeff' : ''}${lines.join(shape.lineEnd)}${shape.lineEnd}`;
  if (shape.damage === 'truncate') body = body.slice(0, Math.max(0, body.length - 1 - (where % 7)));
  const bytes = Buffer.from(body, 'utf8');
  const middle = where % (bytes.length + 1);
  if (shape.damage === 'bad-utf8') {
    return Buffer.concat([
      bytes.subarray(0, middle),
      Buffer.from([0xc3, 0x28]),
      bytes.subarray(middle),
    ]);
  }
  if (shape.damage === 'nul') {
    return Buffer.concat([bytes.subarray(0, middle), Buffer.from([0]), bytes.subarray(middle)]);
  }
  return bytes;
}

/** Lines of a failure: notes and warnings first, then the message and its hint. */
function expectCleanFailure(result: RunResult, command: string): void {
  expect(result.stdout).toBe('');
  for (const line of result.stderr.trimEnd().split('\n')) {
    expect(line).toMatch(new RegExp(`^(gmm ${command}: |hint: )`));
  }
}

/** Every number gmm itself put in a model document is finite (null only for a failed sweep cell). */
function expectFiniteModel(json: string): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') expect([path, Number.isFinite(value)]).toEqual([path, true]);
    else if (value === null)
      expect(path).toMatch(/^selection\.candidates\[\d+\]\.(logLikelihood|bic|failure)$/);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
    }
  };
  walk(JSON.parse(json), '');
}

/**
 * The columns gmm appends (after the last `segment`, or `log_density`) hold finite
 * numbers. The output keeps the input's delimiter, found beside the appended names.
 */
function expectFiniteAppended(csv: string, first: 'segment' | 'log_density'): void {
  const delimiter = new RegExp(`([,;\\t])${first}([,;\\t]|\\n)`).exec(csv)?.[1] ?? ',';
  const rows = parse(csv, { delimiter, relax_column_count: true }) as string[][];
  const start = rows[0].lastIndexOf(first);
  expect(start).toBeGreaterThan(0);
  for (const row of rows.slice(1)) {
    for (const cell of row.slice(start))
      expect([cell, Number.isFinite(Number(cell))]).toEqual([cell, true]);
  }
}

const options = fc.record({
  k: fc.constantFrom('1', '2', '3', '1..3'),
  covariance: fc.constantFrom('full', 'diag', 'spherical', 'tied'),
  scale: fc.constantFrom('standard', 'standard', 'robust', 'minmax', 'none'),
  missing: fc.constantFrom('error', 'drop'),
  output: fc.constantFrom('labels', 'model'),
});

/**
 * The case's bytes as a file (the same reader as stdin's, without a process per case:
 * the built CLI runs in this one).
 */
const caseDirectory = scratchDirectory('random-cases');
let caseCount = 0;
function inputFile(bytes: Uint8Array): string {
  const path = join(caseDirectory, `case-${caseCount++}.csv`);
  writeFileSync(path, bytes);
  return path;
}

describe('random CSV text never crashes gmm', () => {
  it('fit: exit 0, 1 or 2; clean failures; finite outputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvCase(fc.array(column, { minLength: 1, maxLength: 5 })),
        options,
        async (bytes, o) => {
          const args = ['fit', inputFile(bytes), '-k', o.k, '--covariance', o.covariance];
          args.push('--scale', o.scale);
          args.push('--missing', o.missing, '--n-init', '2', '--threads', '1', '--format', 'csv');
          args.push(o.output === 'labels' ? '--labels' : '--model', '-');
          const result = await runGmmInProcess(args);
          expectNoCrash(result);
          if (result.status !== 0) {
            expectCleanFailure(result, 'fit');
            return;
          }
          if (o.output === 'model') expectFiniteModel(result.stdout);
          else expectFiniteAppended(result.stdout, 'segment');
          // The summary (on stderr, as CSV): counts, shares, means and certainty are numbers.
          expect(result.stderr).not.toMatch(/,(NaN|-?Infinity)(,|\n)/);
        },
      ),
      { seed: SEED, numRuns: 36 * RUNS, endOnFailure: true },
    );
  });

  it('predict and score: exit 0, 1 or 2; clean failures; finite outputs', async () => {
    const model = fitTwoClusters(scratchDirectory('random'));
    await fc.assert(
      fc.asyncProperty(
        csvCase(modelColumns),
        fc.constantFrom('predict', 'score'),
        fc.constantFrom('error', 'drop'),
        async (bytes, command, missing) => {
          const result = await runGmmInProcess([
            command,
            model,
            inputFile(bytes),
            '--missing',
            missing,
          ]);
          expectNoCrash(result);
          if (result.status !== 0) {
            // Streamed, but these inputs fit in one batch: a failure leaves stdout empty.
            expectCleanFailure(result, command);
            return;
          }
          if (result.stdout.includes('\n', result.stdout.indexOf('\n') + 1)) {
            expectFiniteAppended(result.stdout, command === 'predict' ? 'segment' : 'log_density');
          }
        },
      ),
      { seed: SEED + 1, numRuns: 16 * RUNS, endOnFailure: true },
    );
  });
});
