import { DataError, describeColumn, quoteValue } from './data-error.js';
import { explainNotANumber, isMissingCell, parseNumberCell } from './parse-number.js';
import type { CellRef, ColumnTable } from './read-columns.js';

/** Rows of a CSV held as text: a batch of a stream (predict, score). */
export interface Table {
  readonly source: string;
  readonly header: string[];
  readonly rows: string[][];
  /** 1-based line number of each row in the file (where the record ends). */
  readonly lineNumbers: ArrayLike<number>;
  readonly delimiter: string;
}

export type MissingPolicy = 'error' | 'drop';

export interface ExtractedMatrix {
  /** n×d row-major values of the selected columns, original units. */
  readonly values: Float64Array;
  readonly nSamples: number;
  readonly nFeatures: number;
  /** n: the table row each matrix row came from. */
  readonly rowIndexes: Int32Array;
  /** Rows left out under --missing drop. */
  readonly droppedRows: number;
}

/**
 * Copies the selected columns into a flat Float64Array. A cell that is not a number
 * is an error naming line, column and value; a missing cell is one too unless the
 * policy is "drop", which leaves its row out. Keeping no row is an error unless
 * `allowEmpty` (a batch of a stream may be all dropped).
 */
export function extractMatrix(
  table: Table,
  columnIndexes: readonly number[],
  missing: MissingPolicy,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): ExtractedMatrix {
  const d = columnIndexes.length;
  const values = new Float64Array(table.rows.length * d);
  const rowIndexes = new Int32Array(table.rows.length);
  let n = 0;
  let droppedRows = 0;
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r];
    let keep = true;
    for (let j = 0; j < d; j++) {
      const cell = row[columnIndexes[j]];
      const value = parseNumberCell(cell);
      if (!Number.isNaN(value)) {
        values[n * d + j] = value;
        continue;
      }
      if (missing === 'drop' && isMissingCell(cell)) {
        keep = false;
        break;
      }
      const { reason, hint } = explainNotANumber(cell);
      throw new DataError(
        `${table.source}: line ${table.lineNumbers[r]}, ${describeColumn(table.header, columnIndexes[j])}: ${quoteValue(cell)} ${reason}`,
        hint,
      );
    }
    if (keep) rowIndexes[n++] = r;
    else droppedRows++;
  }
  if (n === 0 && !allowEmpty) {
    throw new DataError(
      `${table.source}: no rows are left after dropping the ${droppedRows} with a missing value`,
      'fill in the missing values, or choose other columns with --cols',
    );
  }
  return {
    values: values.slice(0, n * d),
    nSamples: n,
    nFeatures: d,
    rowIndexes: rowIndexes.slice(0, n),
    droppedRows,
  };
}

/** Rows left out of a whole-file extraction (--missing drop). */
export interface DroppedRows {
  /** Per input row, 1 where it is left out; undefined when none is. */
  readonly dropped: Uint8Array | undefined;
  readonly droppedRows: number;
}

/**
 * extractMatrix's rules for columns read whole (readColumns), with its messages: the
 * first cell that is not a number (or, unless the policy is "drop", is missing) in
 * file order, left to right, is the error; otherwise the rows with a missing value
 * are the ones dropped.
 */
export function findDroppedRows(
  table: ColumnTable,
  columnIndexes: readonly number[],
  missing: MissingPolicy,
): DroppedRows {
  const slots = slotsOf(table, columnIndexes);
  let bad: { cell: CellRef; index: number } | undefined;
  for (const index of columnIndexes) {
    const column = table.columns.get(index)!;
    for (const cell of [column.firstText, missing === 'error' ? column.firstMissing : undefined]) {
      if (cell !== undefined && (bad === undefined || cell.row < bad.cell.row)) {
        bad = { cell, index };
      }
    }
  }
  if (bad !== undefined) {
    const { reason, hint } = explainNotANumber(bad.cell.value);
    throw new DataError(
      `${table.source}: line ${bad.cell.line}, ${describeColumn(table.header, bad.index)}: ${quoteValue(bad.cell.value)} ${reason}`,
      hint,
    );
  }
  if (!columnIndexes.some((index) => table.columns.get(index)!.nMissing > 0)) {
    return { dropped: undefined, droppedRows: 0 };
  }
  const dropped = new Uint8Array(table.nRows);
  let droppedRows = 0;
  for (let r = 0; r < table.nRows; r++) {
    for (const slot of slots) {
      if (Number.isNaN(table.matrix.get(r, slot))) {
        dropped[r] = 1;
        droppedRows++;
        break;
      }
    }
  }
  if (droppedRows === table.nRows) {
    throw new DataError(
      `${table.source}: no rows are left after dropping the ${droppedRows} with a missing value`,
      'fill in the missing values, or choose other columns with --cols',
    );
  }
  return { dropped, droppedRows };
}

/**
 * The model's n×d matrix, original units, made where the table's numbers are (the
 * table's matrix is used up): the chosen columns of the rows kept, moved forward in
 * place. A view of the table's SharedArrayBuffer, so worker threads share it as is.
 */
export function takeColumns(
  table: ColumnTable,
  columnIndexes: readonly number[],
  { dropped, droppedRows }: DroppedRows,
): Float64Array {
  const slots = slotsOf(table, columnIndexes);
  const { matrix, nRows } = table;
  const m = matrix.nColumns;
  const d = slots.length;
  const values = matrix.values;
  const identity = d === m && slots.every((slot, j) => slot === j);
  if (!identity || dropped !== undefined) {
    // Row i of the result lands at or before row r ≥ i of the table (d ≤ m), and each
    // row is read whole before it is written: nothing unread is overwritten.
    const row = new Float64Array(d);
    for (let r = 0, i = 0; r < nRows; r++) {
      if (dropped !== undefined && dropped[r] === 1) continue;
      for (let j = 0; j < d; j++) row[j] = values[r * m + slots[j]];
      values.set(row, i * d);
      i++;
    }
  }
  return new Float64Array(matrix.buffer, 0, (nRows - droppedRows) * d);
}

function slotsOf(table: ColumnTable, columnIndexes: readonly number[]): number[] {
  return columnIndexes.map((index) => {
    const slot = table.columns.get(index)?.slot;
    if (slot === undefined) throw new Error(`column ${index + 1} was not read as numbers`);
    return slot;
  });
}
