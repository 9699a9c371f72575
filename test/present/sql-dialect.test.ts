/**
 * What gmm sql writes of names and numbers: identifiers quoted by each dialect's own
 * rule (hand-written expectations from the engines' documentation), and number
 * literals that DuckDB and SQLite (the real engines) read back as the same double.
 */
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  greatest,
  numberLiteral,
  quoteIdentifier,
  quoteTableName,
} from '../../src/present/sql/dialect.js';

describe('quoteIdentifier', () => {
  const name = 'a"b`c\\d\ne';
  it('doubles the double quote for DuckDB, SQLite and PostgreSQL', () => {
    expect(quoteIdentifier(name, 'duckdb')).toBe('"a""b`c\\d\ne"');
    expect(quoteIdentifier(name, 'sqlite')).toBe('"a""b`c\\d\ne"');
    expect(quoteIdentifier(name, 'postgres')).toBe('"a""b`c\\d\ne"');
  });
  it('doubles the backtick for Spark', () => {
    expect(quoteIdentifier(name, 'spark')).toBe('`a"b``c\\d\ne`');
  });
  it('escapes backtick, backslash and control characters for BigQuery', () => {
    expect(quoteIdentifier(name, 'bigquery')).toBe('`a"b\\`c\\\\d\\u000ae`');
  });
  it('refuses a NUL', () => {
    expect(() => quoteIdentifier('a\u0000b', 'duckdb')).toThrow(/NUL/);
  });
  it('quotes each part of a qualified table name, and refuses an empty part', () => {
    expect(quoteTableName('analytics.customers', 'duckdb')).toBe('"analytics"."customers"');
    expect(quoteTableName('p-1.d.t', 'bigquery')).toBe('`p-1`.`d`.`t`');
    expect(() => quoteTableName('a..b', 'sqlite')).toThrow(/empty part/);
  });
});

describe('greatest', () => {
  it('is GREATEST, SQLite’s scalar max, and the term itself for one', () => {
    expect(greatest(['a', 'b'], 'duckdb')).toBe('GREATEST(a, b)');
    expect(greatest(['a', 'b'], 'sqlite')).toBe('max(a, b)');
    expect(greatest(['a'], 'sqlite')).toBe('a');
  });
});

describe('numberLiteral', () => {
  it('is exponent form, negative ones parenthesised, PostgreSQL’s cast to float8', () => {
    expect(numberLiteral(0.5, 'duckdb')).toBe('5e-1');
    expect(numberLiteral(-60.56, 'sqlite')).toBe('(-6.056e+1)');
    expect(numberLiteral(-0.5, 'postgres')).toBe('(-5e-1::float8)');
    expect(numberLiteral(0, 'spark')).toBe('0e+0');
  });

  const tricky = [
    0.1,
    1 / 3,
    -2 / 3,
    Math.PI,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    -1.2345678901234567e-200,
    123456789012345680000,
    2 ** 53 + 2,
    0.30000000000000004,
  ];
  const random = fc.sample(
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    { numRuns: 300, seed: 15 },
  );
  const values = [...tricky, ...random];
  const selectAll = (dialect: 'duckdb' | 'sqlite') =>
    `SELECT ${values.map((v, i) => `${numberLiteral(v, dialect)} AS v${i}`).join(', ')}`;

  it('reads back as the same double in DuckDB', async () => {
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const row = (await connection.runAndReadAll(selectAll('duckdb'))).getRows()[0];
    expect(row.map(Number)).toEqual(values);
    row.forEach((value, i) => expect(Object.is(value, values[i])).toBe(true));
  });

  it('reads back as the same double in SQLite', () => {
    const row = new Database(':memory:').prepare(selectAll('sqlite')).raw(true).get() as number[];
    row.forEach((value, i) => expect(Object.is(value, values[i])).toBe(true));
  });
});
