import { describe, expect, it } from 'vitest';
import {
  defaultColumns,
  mostlyNumericColumns,
  resolveColumns,
} from '../../src/io/select-columns.js';
import { readCandidateColumns } from './read-csv-text.js';
import { GmmError } from '../../src/errors.js';

const MALL_HEADER = ['CustomerID', 'Gender', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)'];

/** The header and rows as a CSV file, read as gmm reads one for its default columns. */
function table(header: string[], rows: string[][]) {
  return readCandidateColumns([header, ...rows].map((row) => row.join(',')).join('\n'));
}

const defaultNames = async (header: string[], rows: string[][]) =>
  defaultColumns(await table(header, rows)).map((c) => c.name);

function selectionFailure(run: () => unknown): GmmError {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ name: 'GmmError', kind: 'usage' });
    return error as GmmError;
  }
  throw new Error('expected a usage GmmError');
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
  it('takes every numeric column except an id-like one (the Mall file)', async () => {
    const rows = [
      ['1', 'Male', '19', '15', '39'],
      ['2', 'Female', '21', '15', '81'],
      ['3', 'Female', '20', '16', '6'],
    ];
    expect(await defaultNames(MALL_HEADER, rows)).toEqual([
      'Age',
      'Annual Income (k$)',
      'Spending Score (1-100)',
    ]);
  });

  it('recognises id columns by name and by consecutive integers', async () => {
    const rows = [
      ['10', '5', '1', '4'],
      ['11', '7', '3', '5'],
      ['12', '9', '2', '7'],
    ];
    // n: 10, 11, 12 (row numbers); "paid" ends in "id" but is a word; x: 4, 5, 7 is data.
    expect(await defaultNames(['n', 'paid', 'customer_id', 'x'], rows)).toEqual(['paid', 'x']);
    for (const name of ['id', 'ID', 'CustomerID', 'customerId', 'user id', 'Unnamed: 0']) {
      expect(
        await defaultNames(
          [name, 'x'],
          [
            ['5', '1'],
            ['1', '2'],
            ['9', '4'],
          ],
        ),
      ).toEqual(['x']);
    }
  });

  it('leaves out text columns, and names the first cell of a mostly numeric one', async () => {
    const rows = [
      ['a', '1', '5'],
      ['b', '12%', '6'],
      ['c', '3', ''],
    ];
    const read = await table(['name', 'rate', 'y'], rows);
    expect(defaultColumns(read).map((c) => c.name)).toEqual(['y']);
    expect(mostlyNumericColumns(read)).toEqual([
      { index: 1, cell: { row: 1, line: 3, value: '12%' } },
    ]);
  });
});
