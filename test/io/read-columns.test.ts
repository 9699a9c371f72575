import { describe, expect, it } from 'vitest';
import { readColumns, RowMatrix } from '../../src/io/read-columns.js';
import { openCsvText } from './read-csv-text.js';

describe('RowMatrix', () => {
  it('keeps every value as it grows in place, step after step (5M rows, 40 MB)', () => {
    const matrix = new RowMatrix(1);
    const n = 5_000_000;
    for (let r = 0; r < n; r++) {
      // appendRow first: growing re-makes `values` (matrix.values[appendRow()] would
      // write through the old view).
      const offset = matrix.appendRow();
      matrix.values[offset] = r * 0.5;
    }
    expect(matrix.nRows).toBe(n);
    expect(matrix.buffer.byteLength).toBeGreaterThanOrEqual(n * 8);
    for (const r of [0, 1, 4_194_303, 4_194_304, 4_194_305, n - 1]) {
      expect(matrix.get(r, 0)).toBe(r * 0.5);
    }
  });
});

describe('readColumns', () => {
  it('puts the planned columns row by row in the matrix, and counts what is not a number', async () => {
    const reader = await openCsvText('id,x,name,y\n1,2.5,a,-1\n2,n/a,b,1e3\n3,"4",c,12%\n');
    const table = await readColumns(reader, [
      { index: 1, keepValues: 'always', keepCategories: false },
      { index: 3, keepValues: 'whileNumeric', keepCategories: false },
      { index: 2, keepValues: 'never', keepCategories: true },
    ]);
    expect(table.nRows).toBe(3);
    const x = table.columns.get(1)!;
    expect([0, 1, 2].map((r) => table.matrix.get(r, x.slot!))).toEqual([2.5, NaN, 4]);
    expect(x).toMatchObject({ nNumbers: 2, nMissing: 1, nText: 0 });
    expect(x.firstMissing).toEqual({ row: 1, line: 3, value: 'n/a' });
    const y = table.columns.get(3)!;
    // "12%" shows y is not numeric: its numbers are dropped, its counts kept.
    expect(y).toMatchObject({ slot: undefined, nNumbers: 2, nText: 1 });
    expect(y.firstText).toEqual({ row: 2, line: 4, value: '12%' });
    const name = table.columns.get(2)!;
    expect(name.categories!.names).toEqual(['a', 'b', 'c']);
    expect(Array.from(name.categories!.codes)).toEqual([0, 1, 2]);
    expect(table.columns.get(0)).toBeUndefined();
  });
});
