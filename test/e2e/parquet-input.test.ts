/**
 * Parquet input (fixtures/parquet/, written by DuckDB) through the built binary: the
 * same model, predictions and scores as the same rows in CSV; INTEGER, DECIMAL and
 * DOUBLE columns; NULLs follow --missing, named by line (row + 1) and column.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALL, ROOT, runGmmInProcess } from './run-gmm.js';

const FIXTURES = join(ROOT, 'fixtures', 'parquet');
const MALL_PARQUET = join(FIXTURES, 'mall.parquet');
const TYPED = join(FIXTURES, 'mall-typed.parquet');
const dir = mkdtempSync(join(tmpdir(), 'gmm-parquet-'));

interface Model {
  columns: string[];
  components: unknown[];
  fit: { logLikelihood: number; nDropped: number };
}

async function fit(file: string, args: string[], name: string): Promise<Model> {
  const model = join(dir, name);
  // 20 starts: the Parquet and CSV fits are compared with each other, not with an optimum
  const result = await runGmmInProcess([
    'fit',
    file,
    ...args,
    '--n-init',
    '20',
    '--model',
    model,
    '-q',
  ]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(model, 'utf8')) as Model;
}

describe('Parquet input', () => {
  it('fits the model the CSV gives', async () => {
    const args = ['--cols', 'income,score', '-k', '5'];
    const fromParquet = await fit(MALL_PARQUET, args, 'parquet.json');
    const fromCsv = await fit(MALL, args, 'csv.json');
    expect(fromParquet.columns).toEqual(['Annual Income (k$)', 'Spending Score (1-100)']);
    expect(fromParquet.components).toEqual(fromCsv.components);
    expect(fromParquet.fit.logLikelihood).toBe(fromCsv.fit.logLikelihood);
  });

  it('predict and score give the CSV’s output, byte for byte', async () => {
    const model = join(dir, 'csv.json');
    for (const command of [['predict'], ['score', '--anomaly-rate', '0.05']]) {
      const fromParquet = await runGmmInProcess([
        command[0],
        model,
        MALL_PARQUET,
        ...command.slice(1),
        '-q',
      ]);
      const fromCsv = await runGmmInProcess([command[0], model, MALL, ...command.slice(1), '-q']);
      expect(fromParquet.status, fromParquet.stderr).toBe(0);
      expect(fromParquet.stdout).toBe(fromCsv.stdout);
    }
  });

  it('select-k reads it too', async () => {
    const args = ['--cols', 'income,score', '-k', '2..3', '--covariance', 'full', '-q'];
    const fromParquet = await runGmmInProcess(['select-k', MALL_PARQUET, ...args]);
    const fromCsv = await runGmmInProcess(['select-k', MALL, ...args]);
    expect(fromParquet.status, fromParquet.stderr).toBe(0);
    expect(fromParquet.stdout.replaceAll(MALL_PARQUET, 'file')).toBe(
      fromCsv.stdout.replaceAll(MALL, 'file'),
    );
  });

  it('INTEGER, DECIMAL and DOUBLE with NULLs, zstd, many row groups: as the same rows in CSV', async () => {
    // the rows make-parquet.mjs wrote, as CSV with empty cells for the NULLs
    const rows = readFileSync(MALL, 'utf8').trim().split('\n').slice(1);
    const lines = ['CustomerID,Gender,Age,income,score'];
    for (const row of rows) {
      const [id, gender, age, income, score] = row.split(',');
      const n = Number(id);
      lines.push(
        [id, gender, age, Number(income) + (n % 4) * 0.25, n % 50 === 0 ? '' : score].join(','),
      );
    }
    const csv = join(dir, 'typed.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const args = ['--cols', 'income,score', '-k', '4', '--missing', 'drop'];
    const fromParquet = await fit(TYPED, args, 'typed-parquet.json');
    const fromCsv = await fit(csv, args, 'typed-csv.json');
    expect(fromParquet.fit.nDropped).toBe(4);
    expect(fromParquet.components).toEqual(fromCsv.components);
  });

  it('a NULL is a missing value: refused by default, naming line and column', async () => {
    const result = await runGmmInProcess(['fit', TYPED, '--cols', 'income,score', '-k', '2']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `gmm fit: ${TYPED}: line 51, column "score" (5): "" is not a number (a missing value)\n` +
        'hint: use --missing drop to leave out rows with a missing value, or --missing em to fit on their observed cells\n',
    );
  });

  it('is recognised by its first bytes, whatever its name; --input-format says it outright', async () => {
    const renamed = join(dir, 'export.csv');
    copyFileSync(MALL_PARQUET, renamed);
    const args = ['--cols', 'income,score', '-k', '5', '-q', '--format', 'json'];
    const auto = await runGmmInProcess(['fit', renamed, ...args]);
    expect(auto.status, auto.stderr).toBe(0);
    expect(JSON.parse(auto.stdout).logLikelihood).toBe(
      JSON.parse((await runGmmInProcess(['fit', MALL, ...args])).stdout).logLikelihood,
    );
    // read as CSV on request: its bytes are not text
    const asCsv = await runGmmInProcess(['fit', renamed, ...args, '--input-format', 'csv']);
    expect(asCsv.status).toBe(1);
    expect(asCsv.stderr).toMatch(/NUL byte/);
    // Parquet needs a file: standard input is refused as such
    const piped = await runGmmInProcess(
      ['fit', '-', ...args, '--input-format', 'parquet'],
      readFileSync(MALL_PARQUET),
    );
    expect(piped.status).toBe(2);
    expect(piped.stderr).toMatch(/Parquet is read from a file, not from standard input/);
  });
});
