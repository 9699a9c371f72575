import { describeColumn, quoteValue } from './quote-value.js';
import type { ColumnPlan, ColumnTable } from './read-columns.js';
import { GmmError } from '../errors.js';

/** What a row weight may be (a frequency: how many rows it stands for). */
const WEIGHT_HINT =
  'a weight says how many rows a row stands for: a number ≥ 0 (0 keeps the row out of the fit, still labelled)';

/** How the weight column is read: its numbers kept, the first negative or infinite one remembered. */
export function weightPlan(index: number, keepCategories: boolean): ColumnPlan {
  return {
    index,
    keepValues: 'always',
    keepCategories,
    rejectNumber: (value) => !(value >= 0) || !Number.isFinite(value),
  };
}

/**
 * The weights of the rows kept (not `dropped`), from a column read with weightPlan.
 * Refused, naming line and value: a cell that is not a number, a missing one, a
 * negative or infinite one; and all weights zero.
 */
export function takeWeights(
  table: ColumnTable,
  index: number,
  dropped: Uint8Array | undefined,
  nKept: number,
): Float64Array {
  const column = table.columns.get(index)!;
  const where = (line: number) =>
    `${table.source}: line ${line}, ${describeColumn(table.header, index)}`;
  const cells = [
    column.firstText && { cell: column.firstText, reason: 'is not a number' },
    column.firstMissing && { cell: column.firstMissing, reason: 'is a missing weight' },
    column.firstRejected && {
      cell: column.firstRejected,
      reason: Number(column.firstRejected.value) < 0 ? 'is negative' : 'is not a finite number',
    },
  ].filter((c) => c !== undefined);
  cells.sort((a, b) => a.cell.row - b.cell.row);
  if (cells.length > 0) {
    const { cell, reason } = cells[0];
    throw new GmmError(
      'data',
      `${where(cell.line)}: ${quoteValue(cell.value)} ${reason}; weights must be numbers ≥ 0`,
      WEIGHT_HINT,
    );
  }
  const weights = new Float64Array(nKept);
  const { matrix } = table;
  let total = 0;
  for (let r = 0, i = 0; r < table.nRows; r++) {
    if (dropped !== undefined && dropped[r] === 1) continue;
    weights[i] = matrix.get(r, column.slot!);
    total += weights[i++];
  }
  if (!(total > 0)) {
    throw new GmmError(
      'data',
      `${table.source}: every weight in ${describeColumn(table.header, index)} is 0: no row counts`,
      WEIGHT_HINT,
    );
  }
  return weights;
}
