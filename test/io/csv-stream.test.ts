import { describe, expect, it } from 'vitest';
import { cellOfLine, forEachRowBatch, type RowBatch } from '../../src/io/csv-stream.js';
import { openCsvText, withoutFolder } from './read-csv-text.js';
import { GmmError } from '../../src/errors.js';

async function batchesOf(text: string, columns: number[], missing: 'error' | 'drop') {
  const batches: RowBatch[] = [];
  const counts = await forEachRowBatch(await openCsvText(text), columns, missing, async (b) => {
    batches.push({ ...b, values: b.values.slice() });
  });
  return { batches, counts };
}

describe('forEachRowBatch', () => {
  it('hands over the chosen columns as numbers, with each kept line as written', async () => {
    const { batches, counts } = await batchesOf(
      'name,x,y\n"a, inc",1.5,2\nb,,3\nc, 4 ,-1e2\n',
      [2, 1],
      'drop',
    );
    expect(counts).toEqual({ rows: 2, dropped: 1 });
    expect(batches).toHaveLength(1);
    expect(Array.from(batches[0].values)).toEqual([2, 1.5, -100, 4]);
    expect(batches[0].lines).toEqual(['"a, inc",1.5,2', 'c, 4 ,-1e2']);
    expect(batches[0].lineNumbers).toEqual([2, 4]);
  });

  it('names line, column and value of a cell that is not a number', async () => {
    for (const [text, missing, message] of [
      ['x,y\n1,2\n3,abc\n', 'drop', 'data.csv: line 3, column "y" (2): "abc" is not a number'],
      [
        'x,y\n1,2\n,3\n',
        'error',
        'data.csv: line 3, column "x" (1): "" is not a number (a missing value)',
      ],
    ] as const) {
      const error = await batchesOf(text, [0, 1], missing).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GmmError', kind: 'data' });
      expect(withoutFolder((error as GmmError).message)).toBe(message);
    }
  });

  it('hands over large inputs in batches, every row once and in order', async () => {
    // ~3 MB: several 1 MiB chunks, so several batches.
    const n = 120_000;
    const rows = Array.from({ length: n }, (_, i) => `${i},${i % 7},${'x'.repeat(16)}`);
    const { batches, counts } = await batchesOf(`i,m,pad\n${rows.join('\n')}\n`, [0], 'error');
    expect(counts).toEqual({ rows: n, dropped: 0 });
    expect(batches.length).toBeGreaterThan(1);
    const all = batches.flatMap((b) => Array.from(b.values));
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

describe('cellOfLine', () => {
  it('finds a field of a line, quotes undone', () => {
    expect(cellOfLine('"a, ""b""";1e300;x', ';', 0)).toBe('a, "b"');
    expect(cellOfLine('"a, ""b""";1e300;x', ';', 1)).toBe('1e300');
  });
});
