import { formatCsvRow, formatProbability } from './csv-format.js';
import type { Table } from './parse-csv.js';

/** What the labelled CSV adds to each row, from the engine's memberships. */
export interface RowMemberships {
  /** n×K */
  readonly resp: Float64Array;
  /** n, 0-based */
  readonly labels: Int32Array;
  /** n */
  readonly certainty: Float64Array;
}

/** The labelled CSV's header: the input's, then `segment`, `p_1..p_K`, `certainty`. */
export function labelledCsvHeader(
  header: readonly string[],
  nComponents: number,
  delimiter: string,
): string {
  const probabilityNames = Array.from({ length: nComponents }, (_, k) => `p_${k + 1}`);
  return `${formatCsvRow([...header, 'segment', ...probabilityNames, 'certainty'], delimiter)}\n`;
}

/**
 * Labelled rows: every input column verbatim, then the segment (1-based), p_1..p_K and
 * the certainty, for `rows[rowIndexes[i]]` with memberships row i (n rows in all).
 */
export function labelledCsvRows(
  rows: readonly (readonly string[])[],
  rowIndexes: ArrayLike<number>,
  memberships: RowMemberships,
  nComponents: number,
  delimiter: string,
): string {
  const { resp, labels, certainty } = memberships;
  const extra: string[] = new Array(nComponents + 2);
  let text = '';
  for (let i = 0; i < rowIndexes.length; i++) {
    extra[0] = String(labels[i] + 1);
    for (let k = 0; k < nComponents; k++)
      extra[k + 1] = formatProbability(resp[i * nComponents + k]);
    extra[nComponents + 1] = formatProbability(certainty[i]);
    text += `${formatCsvRow(rows[rowIndexes[i]], delimiter)}${delimiter}${extra.join(delimiter)}\n`;
  }
  return text;
}

/** A whole labelled CSV (header and rows) for the table rows in `rowIndexes`. */
export function formatLabelledCsv(
  table: Table,
  rowIndexes: ArrayLike<number>,
  memberships: RowMemberships,
  nComponents: number,
): string {
  return (
    labelledCsvHeader(table.header, nComponents, table.delimiter) +
    labelledCsvRows(table.rows, rowIndexes, memberships, nComponents, table.delimiter)
  );
}
