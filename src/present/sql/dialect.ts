/**
 * What differs between the SQL engines `gmm sql` writes for: how identifiers are
 * quoted, how a double literal is typed, the name of the double type, the row-wise
 * maximum, and how the input row is carried through the query (see row-carry below).
 * Everything else the queries use is common to all of them: + − × ÷, exp, ln, CASE.
 */
import { quoteValue } from '../../io/quote-value.js';
import { GmmError } from '../../errors.js';

export type SqlDialect = 'duckdb' | 'sqlite' | 'spark' | 'postgres' | 'bigquery';

export const SQL_DIALECTS: readonly SqlDialect[] = [
  'duckdb',
  'sqlite',
  'spark',
  'postgres',
  'bigquery',
];

/**
 * An identifier quoted so that no name can end the quotes early: the SQL standard's
 * doubled double quote (DuckDB, SQLite, PostgreSQL), Spark's doubled backtick, and
 * BigQuery's backslash escapes (its quoted identifiers take string-literal escapes, so
 * a backslash, a backtick and every control character are escaped). A NUL cannot be
 * in an identifier of any of them and is refused.
 */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  if (name.includes('\u0000')) {
    throw new GmmError(
      'data',
      `the column name ${quoteValue(name)} holds a NUL character, which no SQL identifier can`,
      'rename the column and refit the model',
    );
  }
  switch (dialect) {
    case 'duckdb':
    case 'sqlite':
    case 'postgres':
      return `"${name.replace(/"/g, '""')}"`;
    case 'spark':
      return `\`${name.replace(/`/g, '``')}\``;
    case 'bigquery':
      return `\`${escapeBigQuery(name)}\``;
  }
}

function escapeBigQuery(name: string): string {
  let out = '';
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '`') out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return out;
}

/**
 * `--table a.b.c`: each dot-separated part quoted on its own (catalog, schema, table),
 * so a qualified name works and no part can break out of its quotes.
 */
export function quoteTableName(name: string, dialect: SqlDialect): string {
  const parts = name.split('.');
  if (parts.some((part) => part === '')) {
    throw new GmmError(
      'usage',
      `--table ${quoteValue(name)} has an empty part`,
      'give a table name, optionally qualified: customers, analytics.customers',
    );
  }
  return parts.map((part) => quoteIdentifier(part, dialect)).join('.');
}

/**
 * A double as a SQL literal that the engine reads back as the same double: the
 * shortest digits that round-trip (JavaScript's toExponential()), always in exponent
 * form, which every one of these engines types as a double (DuckDB and Spark type
 * `0.5` as DECIMAL, `5e-1` as DOUBLE); PostgreSQL types both as numeric, so its literals
 * are cast (`::float8`, which rounds the decimal correctly). A negative literal is
 * parenthesised: `x - -1e0` would otherwise risk `--`, a comment.
 */
export function numberLiteral(value: number, dialect: SqlDialect): string {
  if (!Number.isFinite(value)) {
    throw new Error(`numberLiteral: ${value} is not finite`);
  }
  const digits = Object.is(value, -0) ? '0e0' : Math.abs(value).toExponential();
  const typed = dialect === 'postgres' ? `${digits}::float8` : digits;
  return value < 0 ? `(-${typed})` : typed;
}

/** The engine's name of the IEEE double type. */
export function doubleType(dialect: SqlDialect): string {
  switch (dialect) {
    case 'duckdb':
    case 'spark':
      return 'DOUBLE';
    case 'sqlite':
      return 'REAL';
    case 'postgres':
      return 'DOUBLE PRECISION';
    case 'bigquery':
      return 'FLOAT64';
  }
}

/**
 * The row-wise maximum: GREATEST, or SQLite's scalar max() with two or more arguments
 * (with one argument max() is SQLite's aggregate, so one term is returned as is).
 */
export function greatest(terms: readonly string[], dialect: SqlDialect): string {
  if (terms.length === 1) return terms[0];
  return `${dialect === 'sqlite' ? 'max' : 'GREATEST'}(${terms.join(', ')})`;
}

/**
 * `AS MATERIALIZED` where the engine would otherwise inline each step into the next by
 * substituting its expressions: SQLite and PostgreSQL flatten subqueries that way, and
 * since every step reads the previous one's columns several times, the final select
 * would evaluate the first steps ~K⁵ times per row (SQLite took 160 s for 1600 rows at
 * K = 8, d = 10). DuckDB, Spark (CollapseProject keeps expensive expressions apart) and
 * BigQuery evaluate each step once as written.
 */
export function stepKeyword(dialect: SqlDialect): string {
  return dialect === 'sqlite' || dialect === 'postgres' ? 'AS MATERIALIZED' : 'AS';
}

/**
 * How the input row travels through the query's steps untouched while they add their
 * columns, so that the result is every input column plus the model's, and no name of
 * the input can clash with a name of the query:
 *   'struct'  the whole row as one value (DuckDB, BigQuery: `t`; Spark: `struct(t.*)`),
 *             expanded at the end (`gmm_row.*`; PostgreSQL: `(gmm_row).*`);
 *   'rowid'   SQLite has no row values: the steps carry the rowid, and the result
 *             joins the table back on it (a rowid table: not a view).
 */
export interface RowCarry {
  readonly kind: 'struct' | 'rowid';
  /** The first step's select item, over the table aliased `t`. */
  readonly capture: string;
  /** The final select's expansion of the row. */
  readonly expand: string;
}

export const ROW_VALUE = 'gmm_row';
export const ROW_ID = 'gmm_rowid';

export function rowCarry(dialect: SqlDialect): RowCarry {
  switch (dialect) {
    case 'duckdb':
    case 'bigquery':
      return { kind: 'struct', capture: `t AS ${ROW_VALUE}`, expand: `${ROW_VALUE}.*` };
    case 'spark':
      return { kind: 'struct', capture: `struct(t.*) AS ${ROW_VALUE}`, expand: `${ROW_VALUE}.*` };
    case 'postgres':
      return { kind: 'struct', capture: `t AS ${ROW_VALUE}`, expand: `(${ROW_VALUE}).*` };
    case 'sqlite':
      return { kind: 'rowid', capture: `t.rowid AS ${ROW_ID}`, expand: 't.*' };
  }
}
