import { describeColumn, quoteValue } from './quote-value.js';
import { explainNotANumber, type DecimalMark } from './parse-number.js';
import { missingCellAction, type MissingPolicy } from './cell-number.js';
import type { CellRef, ColumnTable } from './read-columns.js';
import { GmmError } from '../errors.js';

/** The error for a cell of a modelled column that is not a number (or is missing, unless dropped). */
export function notANumberError(
  source: string,
  line: number,
  header: readonly string[],
  column: number,
  cell: string,
  decimal: DecimalMark = '.',
): GmmError {
  const { reason, hint } = explainNotANumber(cell, decimal);
  return new GmmError(
    'data',
    `${source}: line ${line}, ${describeColumn(header, column)}: ${quoteValue(cell)} ${reason}`,
    hint,
  );
}

/** A row whose modelled cells are all missing: nothing to fit or score it on. */
export function noValueInRowError(
  source: string,
  row: string,
  columnNames: readonly string[],
): GmmError {
  return new GmmError(
    'data',
    `${source}: ${row} has no value in any modelled column (${columnNames.map(quoteValue).join(', ')})`,
    'fill in at least one of them, or leave the row out (--missing drop)',
  );
}

/** Rows left out of a whole-file extraction (--missing drop). */
export interface DroppedRows {
  /** Per input row, 1 where it is left out; undefined when none is. */
  readonly dropped: Uint8Array | undefined;
  readonly droppedRows: number;
}

/**
 * The missing-value rules for columns read whole (readColumns): the first cell that
 * is not a number (or, unless the policy is "drop", is missing) in file order, left
 * to right, is the error; otherwise the rows with a missing value are the ones
 * dropped. (forEachRowBatch applies the same rules a row at a time.)
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
    const refused = [column.firstText];
    if (missingCellAction('missing', missing) === 'refuse') refused.push(column.firstMissing);
    for (const cell of refused) {
      if (cell !== undefined && (bad === undefined || cell.row < bad.cell.row)) {
        bad = { cell, index };
      }
    }
  }
  if (bad !== undefined) {
    throw notANumberError(
      table.source,
      bad.cell.line,
      table.header,
      bad.index,
      bad.cell.value,
      table.decimal,
    );
  }
  if (missing === 'em' || !columnIndexes.some((index) => table.columns.get(index)!.nMissing > 0)) {
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
    throw new GmmError(
      'data',
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
