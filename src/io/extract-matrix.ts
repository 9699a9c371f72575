import { DataError, describeColumn, quoteValue } from './data-error.js';
import { explainNotANumber, isMissingCell, parseNumberCell } from './parse-number.js';
import type { Table } from './parse-csv.js';

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
