import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/io/parse-csv.js';
import {
  defaultColumns,
  isIdLikeColumn,
  resolveColumns,
  SelectionError,
} from '../../src/io/select-columns.js';

const MALL_HEADER = ['CustomerID', 'Gender', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)'];

function table(header: string[], rows: string[][]): Table {
  return {
    source: 't.csv',
    header,
    rows,
    lineNumbers: Int32Array.from(rows, (_, i) => i + 2),
    delimiter: ',',
  };
}

function selectionFailure(run: () => unknown): SelectionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SelectionError);
    return error as SelectionError;
  }
  throw new Error('expected a SelectionError');
}

describe('resolveColumns', () => {
  it('matches a unique case-insensitive fragment and keeps what was typed', () => {
    const columns = resolveColumns(['income,score'], MALL_HEADER);
    expect(columns.map((c) => c.name)).toEqual(['Annual Income (k$)', 'Spending Score (1-100)']);
    expect(columns.map((c) => c.typed)).toEqual(['income', 'score']);
  });

  it('takes exact headers and 1-based numbers', () => {
    expect(resolveColumns(['Age', '4'], MALL_HEADER).map((c) => c.index)).toEqual([2, 3]);
  });

  it('takes a whole value that is a header holding a comma', () => {
    expect(
      resolveColumns(['Income, annual'], ['id', 'Income, annual']).map((c) => c.index),
    ).toEqual([1]);
  });

  it('lists the headers when nothing matches', () => {
    const error = selectionFailure(() => resolveColumns(['salary'], MALL_HEADER));
    expect(error.message).toBe('no column matches "salary"');
    expect(error.hint).toBe(
      'the columns are: 1 "CustomerID", 2 "Gender", 3 "Age", 4 "Annual Income (k$)", 5 "Spending Score (1-100)"',
    );
  });

  it('names the candidates of an ambiguous fragment', () => {
    const error = selectionFailure(() => resolveColumns(['a'], MALL_HEADER));
    expect(error.message).toBe(
      '"a" matches 2 columns: column "Age" (3), column "Annual Income (k$)" (4)',
    );
  });

  it('refuses a duplicated header by name, and the same column twice', () => {
    expect(selectionFailure(() => resolveColumns(['x'], ['x', 'y', 'x'])).message).toBe(
      'column name "x" appears 2 times (columns 1, 3)',
    );
    expect(resolveColumns(['3'], ['x', 'y', 'x']).map((c) => c.index)).toEqual([2]);
    expect(selectionFailure(() => resolveColumns(['age,3'], MALL_HEADER)).message).toMatch(
      /^column "Age" \(3\) is selected twice/,
    );
  });

  it('refuses out-of-range numbers', () => {
    expect(selectionFailure(() => resolveColumns(['9'], MALL_HEADER)).message).toBe(
      'column number 9 is out of range: the file has 5 columns',
    );
  });
});

describe('defaultColumns', () => {
  it('takes every numeric column except an id-like one (the Mall file)', () => {
    const rows = [
      ['1', 'Male', '19', '15', '39'],
      ['2', 'Female', '21', '15', '81'],
      ['3', 'Female', '20', '16', '6'],
    ];
    expect(defaultColumns(table(MALL_HEADER, rows)).map((c) => c.name)).toEqual([
      'Age',
      'Annual Income (k$)',
      'Spending Score (1-100)',
    ]);
  });

  it('recognises id columns by name and by consecutive integers', () => {
    const rows = [
      ['10', '5', '1'],
      ['11', '7', '3'],
      ['12', '9', '2'],
    ];
    const t = table(['n', 'paid', 'customer_id'], rows);
    expect(isIdLikeColumn(t, 0)).toBe(true); // 10, 11, 12
    expect(isIdLikeColumn(t, 1)).toBe(false); // "paid" ends in "id" but is a word
    expect(isIdLikeColumn(t, 2)).toBe(true);
    for (const name of ['id', 'ID', 'CustomerID', 'customerId', 'user id', 'Unnamed: 0']) {
      expect(isIdLikeColumn(table([name], [['5'], ['1'], ['9']]), 0)).toBe(true);
    }
  });
});
