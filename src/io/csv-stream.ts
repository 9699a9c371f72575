import { CellReader, missingCellAction, type MissingPolicy } from './cell-number.js';
import { recordFields, recordText, type CsvReader } from './csv-reader.js';
import { CsvScanner, doubled, plainBytes } from './csv-scan.js';
import { noValueInRowError, notANumberError } from './extract-matrix.js';

/** Rows read so far, with the model's columns as numbers, handed over a batch at a time. */
export interface RowBatch {
  /** nRows×d: the chosen columns of the rows kept, original units (reused after onBatch). */
  readonly values: Float64Array;
  readonly nRows: number;
  /** Each row kept as written in the input (quotes kept), for echoing it. */
  readonly lines: readonly string[];
  /** 1-based line number of each row kept (where the record ends). */
  readonly lineNumbers: readonly number[];
}

/** Rows handed over together: a small input is checked whole before anything is written. */
export const BATCH_ROWS = 4096;

/**
 * Streams the rows of a CSV through `onBatch` (awaited before more is read, so a slow
 * consumer holds the reading back), a batch of at least BATCH_ROWS rows (or the rest)
 * at a time, with columns `columnIndexes` read as numbers straight from the bytes. A
 * cell that is not a number is an error naming line, column and value; a missing one
 * too unless the policy is "drop", which leaves its row out (the rest of that row is
 * not looked at), or "em", which keeps it as NaN (a row with no value at all is an
 * error naming its line). Returns the rows kept and dropped.
 */
export async function forEachRowBatch(
  reader: CsvReader,
  columnIndexes: readonly number[],
  missing: MissingPolicy,
  onBatch: (batch: RowBatch) => Promise<void>,
): Promise<{ rows: number; dropped: number }> {
  const d = columnIndexes.length;
  const { decimal } = reader;
  const cells = new CellReader(decimal);
  let values = new Float64Array(BATCH_ROWS * d);
  let lines: string[] = [];
  let lineNumbers: number[] = [];
  let rows = 0;
  let dropped = 0;
  const flush = async () => {
    const nRows = lines.length;
    if (nRows === 0) return;
    const batch = { values: values.subarray(0, nRows * d), nRows, lines, lineNumbers };
    rows += nRows;
    lines = [];
    lineNumbers = [];
    // `values` is filled again once onBatch is done with it (fresh memory is slow here).
    await onBatch(batch);
  };
  await reader.readRows(
    (record) => {
      const row = lines.length;
      let missingInRow = 0;
      if ((row + 1) * d > values.length) values = doubled(values);
      for (let j = 0; j < d; j++) {
        const field = columnIndexes[j];
        const cell = cells.read(record, field);
        if (cell.kind !== 'number') {
          const action = missingCellAction(cell.kind, missing);
          if (action === 'refuse') {
            throw notANumberError(
              reader.source,
              record.line,
              reader.header,
              field,
              cell.text!,
              decimal,
            );
          }
          if (action === 'dropRow') {
            dropped++;
            return;
          }
          missingInRow++;
        }
        values[row * d + j] = cell.value;
      }
      if (missingInRow === d) {
        throw noValueInRowError(
          reader.source,
          `line ${record.line}`,
          columnIndexes.map((c) => reader.header[c]),
        );
      }
      lines.push(recordText(record));
      lineNumbers.push(record.line);
    },
    async () => {
      if (lines.length >= BATCH_ROWS) await flush();
    },
  );
  await flush();
  return { rows, dropped };
}

/** Field `field` of a line as written in a CSV with `delimiter` (for a message about it). */
export function cellOfLine(line: string, delimiter: string, field: number): string {
  let cell = '';
  const scanner = new CsvScanner('', delimiter.charCodeAt(0), (record) => {
    cell = recordFields(record)[field] ?? '';
  });
  scanner.push(plainBytes(Buffer.from(line)));
  scanner.end();
  return cell;
}
