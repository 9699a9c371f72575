/**
 * --labels x.parquet (fit, predict) and score --out x.parquet write Parquet, read back
 * here by DuckDB (an independent reader): the labelled CSV's rows and values, typed
 * (integers INT32, numbers DOUBLE, text VARCHAR).
 */
import { parse } from 'csv-parse/sync';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALL, ROOT, runGmmInProcess } from './run-gmm.js';
import { duckdbFromCsv, runDuckdb } from './sql-engines.js';

const dir = mkdtempSync(join(tmpdir(), 'gmm-parquet-out-'));

describe('Parquet output', () => {
  it('fit --labels x.parquet holds the labelled CSV’s rows; predict on Parquet input writes the same', async () => {
    const model = join(dir, 'model.json');
    const labels = join(dir, 'labels.parquet');
    const args = ['--cols', 'income,score', '-k', '3', '-q'];
    expect(
      (await runGmmInProcess(['fit', MALL, ...args, '--model', model, '--labels', labels])).status,
    ).toBe(0);
    const csv = parse((await runGmmInProcess(['predict', model, MALL])).stdout) as string[][];

    const connection = await duckdbFromCsv('unused', MALL);
    const read = await runDuckdb(connection, `SELECT * FROM read_parquet('${labels}')`);
    expect(read.columns).toEqual(csv[0]);
    expect(read.rows.map((row) => csv[0].map((name) => String(row[name])))).toEqual(csv.slice(1));
    const types = await runDuckdb(connection, `DESCRIBE SELECT * FROM read_parquet('${labels}')`);
    const typeOf = new Map(types.rows.map((row) => [row.column_name, row.column_type]));
    expect(typeOf.get('Gender')).toBe('VARCHAR');
    expect(typeOf.get('segment')).toBe('INTEGER');
    expect(typeOf.get('p_1')).toBe('DOUBLE');

    const predicted = join(dir, 'predicted.parquet');
    const mallParquet = join(ROOT, 'fixtures', 'parquet', 'mall.parquet');
    expect(
      (await runGmmInProcess(['predict', model, mallParquet, '--labels', predicted, '-q'])).status,
    ).toBe(0);
    const difference = await runDuckdb(
      connection,
      `SELECT count(*) AS n FROM (SELECT * FROM read_parquet('${labels}') EXCEPT ALL SELECT * FROM read_parquet('${predicted}'))`,
    );
    expect(difference.rows[0].n).toBe(0);
  });

  it('score --out x.parquet: log_density as a DOUBLE column', async () => {
    const model = join(dir, 'model.json');
    const out = join(dir, 'scored.parquet');
    expect((await runGmmInProcess(['score', model, MALL, '--out', out, '-q'])).status).toBe(0);
    const csv = parse((await runGmmInProcess(['score', model, MALL, '-q'])).stdout, {
      columns: true,
    }) as Record<string, string>[];
    const connection = await duckdbFromCsv('unused', MALL);
    const read = await runDuckdb(connection, `SELECT log_density FROM read_parquet('${out}')`);
    expect(read.rows.map((row) => row.log_density)).toEqual(
      csv.map((row) => Number(row.log_density)),
    );
  });
});
