import { fieldText, recordFields, recordText, type CsvReader } from './csv-reader.js';
import { CsvScanner, doubled, plainBytes } from './csv-scan.js';
import { notANumberError, type MissingPolicy } from './extract-matrix.js';
import { decimalByte, isMissingCell, parseNumberBytes, parseNumberCell } from './parse-number.js';
import { quoteValue } from './quote-value.js';
import { GmmError } from '../errors.js';

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
  const decimalPoint = decimalByte(decimal);
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
        let value = record.numbers[field];
        if (value !== value && record.quoted[field] === 0) {
          value = parseNumberBytes(
            record.bytes,
            record.starts[field],
            record.ends[field],
            decimalPoint,
          );
        }
        if (value !== value) {
          const cell = fieldText(record, field);
          value = parseNumberCell(cell, decimal);
          if (value !== value) {
            if (missing === 'drop' && isMissingCell(cell)) {
              dropped++;
              return;
            }
            if (missing === 'em' && isMissingCell(cell)) {
              missingInRow++;
            } else {
              throw notANumberError(
                reader.source,
                record.line,
                reader.header,
                field,
                cell,
                decimal,
              );
            }
          }
        }
        values[row * d + j] = value;
      }
      if (missingInRow === d) {
        throw new GmmError(
          'data',
          `${reader.source}: line ${record.line} has no value in any modelled column (${columnIndexes.map((c) => quoteValue(reader.header[c])).join(', ')}): nothing to score it on`,
          'fill in at least one of them, or remove the row (--missing drop leaves it out)',
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
