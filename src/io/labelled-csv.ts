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

/**
 * Every input column verbatim, then `segment` (1-based), `p_1..p_K` and `certainty`,
 * for the table rows in `rowIndexes` (n). Keeps the input's delimiter.
 */
export function formatLabelledCsv(
  table: Table,
  rowIndexes: Int32Array,
  memberships: RowMemberships,
  nComponents: number,
): string {
  const { delimiter } = table;
  const probabilityNames = Array.from({ length: nComponents }, (_, k) => `p_${k + 1}`);
  const lines = [
    formatCsvRow([...table.header, 'segment', ...probabilityNames, 'certainty'], delimiter),
  ];
  const { resp, labels, certainty } = memberships;
  const extra: string[] = new Array(nComponents + 2);
  for (let i = 0; i < rowIndexes.length; i++) {
    extra[0] = String(labels[i] + 1);
    for (let k = 0; k < nComponents; k++)
      extra[k + 1] = formatProbability(resp[i * nComponents + k]);
    extra[nComponents + 1] = formatProbability(certainty[i]);
    lines.push(
      `${formatCsvRow(table.rows[rowIndexes[i]], delimiter)}${delimiter}${extra.join(delimiter)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
