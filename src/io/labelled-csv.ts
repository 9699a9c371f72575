import { formatCsvRow, formatProbability } from './csv-format.js';
import { recordText, type CsvReader } from './csv-reader.js';
import type { OutputSink } from './write-output.js';
import { GmmError } from '../errors.js';

/** What the labelled CSV adds to each row, from the engine's memberships. */
export interface RowMemberships {
  /** n×K */
  readonly resp: Float64Array;
  /** n, 0-based */
  readonly labels: Int32Array;
  /** n */
  readonly certainty: Float64Array;
  /** n×d: the modelled cells with missing ones imputed (--impute), written after certainty. */
  readonly imputed?: Float64Array;
}

/** The labelled CSV's header: the input's header line as written, then `segment`, `p_1..p_K`, `certainty`. */
export function labelledCsvHeader(
  headerText: string,
  nComponents: number,
  delimiter: string,
  imputedNames: readonly string[] = [],
): string {
  const probabilityNames = Array.from({ length: nComponents }, (_, k) => `p_${k + 1}`);
  return `${headerText}${delimiter}${formatCsvRow(['segment', ...probabilityNames, 'certainty', ...imputedNames], delimiter)}\n`;
}

/**
 * Labelled rows: each input line as written (`lines[i]`), then the segment (1-based),
 * p_1..p_K and the certainty from memberships row i.
 */
export function labelledCsvRows(
  lines: readonly string[],
  memberships: RowMemberships,
  nComponents: number,
  delimiter: string,
): string {
  const { resp, labels, certainty, imputed } = memberships;
  const d = imputed === undefined ? 0 : imputed.length / lines.length;
  const extra: string[] = new Array(nComponents + 2 + d);
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    extra[0] = String(labels[i] + 1);
    for (let k = 0; k < nComponents; k++)
      extra[k + 1] = formatProbability(resp[i * nComponents + k]);
    extra[nComponents + 1] = formatProbability(certainty[i]);
    // imputed values as the shortest text that reads back the same double
    for (let j = 0; j < d; j++) extra[nComponents + 2 + j] = String(imputed![i * d + j]);
    text += `${lines[i]}${delimiter}${extra.join(delimiter)}\n`;
  }
  return text;
}

/**
 * Writes the labelled CSV of a fit by reading its input a second time (nothing of the
 * rows was kept): every row not `dropped`, with the memberships that
 * `membershipsOf(first, count)` gives for kept rows first … first+count−1.
 */
export async function writeLabelledCsv(
  reader: CsvReader,
  expected: {
    nRows: number;
    dropped: Uint8Array | undefined;
    nComponents: number;
    imputedNames?: readonly string[];
  },
  sink: OutputSink,
  membershipsOf: (first: number, count: number) => RowMemberships,
): Promise<void> {
  const { nRows, dropped, nComponents, imputedNames } = expected;
  let pending = labelledCsvHeader(reader.headerText, nComponents, reader.delimiter, imputedNames);
  let lines: string[] = [];
  let kept = 0;
  const flush = async () => {
    if (lines.length > 0) {
      const memberships = membershipsOf(kept, lines.length);
      pending += labelledCsvRows(lines, memberships, nComponents, reader.delimiter);
      kept += lines.length;
      lines = [];
    }
    if (pending !== '') await sink.write(pending);
    pending = '';
  };
  const seen = await reader.readRows((record, row) => {
    if (row >= nRows) throw changedWhileRead(reader.source);
    if (dropped === undefined || dropped[row] === 0) lines.push(recordText(record));
  }, flush);
  if (seen !== nRows) throw changedWhileRead(reader.source);
}

function changedWhileRead(source: string): GmmError {
  return new GmmError(
    'data',
    `${source}: changed while gmm was reading it (its rows differ from the first pass)`,
    'fit a copy that nothing else is writing to',
  );
}
