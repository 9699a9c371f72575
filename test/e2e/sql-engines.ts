/**
 * The real engines gmm sql's queries are checked in: DuckDB (@duckdb/node-api) and
 * SQLite (better-sqlite3, built with SQLite's math functions). A CSV is loaded into each
 * as a table of its own, with the test's own identifier quoting (the SQL standard's
 * doubled quote, independent of src/present/sql) and values appended as numbers
 * (DOUBLE / REAL) or text, never through gmm.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

export interface Table {
  readonly header: string[];
  /** Per row: a number for a numeric cell, else the text. */
  readonly rows: (number | string)[][];
}

export function readTable(path: string): Table {
  const records = parse(readFileSync(path, 'utf8'), { relax_column_count: false }) as string[][];
  const [header, ...body] = records;
  const numeric = header.map((_, j) =>
    body.every((row) => row[j] !== '' && !Number.isNaN(Number(row[j]))),
  );
  return {
    header,
    rows: body.map((row) => row.map((cell, j) => (numeric[j] ? Number(cell) : cell))),
  };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export type Row = Record<string, unknown>;

export interface EngineResult {
  readonly columns: string[];
  readonly rows: Row[];
}

/** A DuckDB in memory holding `table` as `name`. */
export async function duckdbWith(name: string, table: Table): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const types = table.header.map((_, j) =>
    typeof table.rows[0][j] === 'number' ? 'DOUBLE' : 'VARCHAR',
  );
  await connection.run(
    `CREATE TABLE ${quote(name)} (${table.header.map((h, j) => `${quote(h)} ${types[j]}`).join(', ')})`,
  );
  const appender = await connection.createAppender(name);
  for (const row of table.rows) {
    for (const cell of row) {
      if (typeof cell === 'number') appender.appendDouble(cell);
      else appender.appendVarchar(cell);
    }
    appender.endRow();
  }
  appender.closeSync();
  return connection;
}

/** A DuckDB in memory holding the CSV at `path` as `name`, read and typed by DuckDB's own reader. */
export async function duckdbFromCsv(name: string, path: string): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `CREATE TABLE ${quote(name)} AS SELECT * FROM read_csv('${path.replace(/'/g, "''")}')`,
  );
  return connection;
}

export async function runDuckdb(
  connection: DuckDBConnection,
  query: string,
): Promise<EngineResult> {
  const reader = await connection.runAndReadAll(query);
  const columns = reader.columnNames();
  const rows = reader.getRows().map((values) => {
    const row: Row = {};
    values.forEach((value, j) => {
      row[columns[j]] = typeof value === 'bigint' ? Number(value) : value;
    });
    return row;
  });
  return { columns, rows };
}

/** A SQLite in memory holding `table` as `name` (a rowid table, untyped columns). */
export function sqliteWith(name: string, table: Table): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE ${quote(name)} (${table.header.map(quote).join(', ')})`);
  const insert = db.prepare(
    `INSERT INTO ${quote(name)} VALUES (${table.header.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    for (const row of table.rows) insert.run(...row);
  })();
  return db;
}

export function runSqlite(db: Database.Database, query: string): EngineResult {
  const statement = db.prepare(query);
  const columns = statement.columns().map((column) => column.name);
  const rows = statement.raw(true).all() as unknown[][];
  return {
    columns,
    rows: rows.map((values) => {
      const row: Row = {};
      values.forEach((value, j) => {
        row[columns[j]] = value;
      });
      return row;
    }),
  };
}

/** |a − b| ≤ tol·max(|a|, |b|) (0 and 0 agree). */
export function relativelyClose(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

/** A seeded uniform stream (mulberry32) and standard normals from it (Box–Muller). */
export function seededNormals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
