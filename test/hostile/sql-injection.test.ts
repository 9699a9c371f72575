/**
 * A model fitted on columns whose names are SQL (fixtures/hostile/sql-injection-names.csv):
 * the query gmm sql writes runs in DuckDB and SQLite as one statement that leaves the
 * table as it was and scores it as gmm predict does; in every dialect, once its quoted
 * identifiers are removed by that dialect's own lexical rule, no name's text is left.
 */
import { parse } from 'csv-parse/sync';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runGmm } from '../e2e/run-gmm.js';
import {
  duckdbFromCsv,
  readTable,
  runDuckdb,
  runSqlite,
  sqliteWith,
  type EngineResult,
} from '../e2e/sql-engines.js';

const FIXTURE = join(ROOT, 'fixtures', 'hostile', 'sql-injection-names.csv');
const dir = mkdtempSync(join(tmpdir(), 'gmm-sql-hostile-'));
const MODEL = join(dir, 'model.json');
const table = readTable(FIXTURE);
let segments: number[];

beforeAll(() => {
  const fit = runGmm(['fit', FIXTURE, '--cols', '1,2,3', '-k', '2', '--model', MODEL, '-q']);
  expect(fit.status, fit.stderr).toBe(0);
  const predicted = parse(runGmm(['predict', MODEL, FIXTURE]).stdout) as string[][];
  segments = predicted.slice(1).map((row) => Number(row[table.header.length]));
});

function sql(dialect: string): string {
  const result = runGmm(['sql', MODEL, '--table', 'customers', '--dialect', dialect]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function expectScored(result: EngineResult): void {
  expect(result.columns.slice(0, 4)).toEqual(table.header);
  expect(result.rows.map((row) => row.segment)).toEqual(segments);
  result.rows.forEach((row, i) => expect(row[table.header[3]]).toBe(table.rows[i][3]));
}

describe('gmm sql with SQL in the column names', () => {
  it('names the hostile columns in the model (the fixture is what it claims)', () => {
    expect(table.header[0]).toBe('x"; DROP TABLE customers; --');
    expect(table.header[1]).toContain('`');
    expect(table.header[2]).toBe('gmm_z1');
    expect(table.header[3]).toContain('\n');
  });

  it('runs in DuckDB as a single query and leaves the table whole', async () => {
    const connection = await duckdbFromCsv('customers', FIXTURE);
    const query = sql('duckdb');
    // one statement: DuckDB's own parser splits the text into statements
    const statements = await connection.extractStatements(query);
    expect(statements.count).toBe(1);
    expectScored(await runDuckdb(connection, query));
    const count = await runDuckdb(connection, 'SELECT count(*) AS n FROM customers');
    expect(count.rows[0].n).toBe(60);
  });

  it('runs in SQLite as a single statement and leaves the table whole', () => {
    const db = sqliteWith('customers', table);
    const query = sql('sqlite');
    // better-sqlite3's prepare refuses text holding more than one statement
    expectScored(runSqlite(db, query));
    expect(db.prepare('SELECT count(*) AS n FROM customers').get()).toEqual({ n: 60 });
  });

  const lexers: Record<string, RegExp> = {
    duckdb: /"(?:[^"]|"")*"/g,
    sqlite: /"(?:[^"]|"")*"/g,
    postgres: /"(?:[^"]|"")*"/g,
    spark: /`(?:[^`]|``)*`/g,
    bigquery: /`(?:[^`\\]|\\.)*`/g,
  };
  for (const [dialect, quoted] of Object.entries(lexers)) {
    it(`keeps every name inside its quotes (${dialect})`, () => {
      const rest = sql(dialect)
        .replace(/^--.*$/gm, '')
        .replace(quoted, 'IDENT')
        .replace(/\s+$/, '');
      expect(rest).not.toMatch(/DROP|DELETE|\\|\*\/|\u202e/);
      expect(rest).not.toMatch(/"|`/);
      expect(rest.indexOf(';')).toBe(rest.length - 1);
      expect(rest.match(/IDENT/g)!.length).toBeGreaterThanOrEqual(4);
    });
  }
});
