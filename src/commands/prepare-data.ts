import { writeNote, type CommandIo } from '../cli/terminal.js';
import type { DataMatrix } from '../engine/types.js';
import { DataError, describeColumn, quoteValue } from '../io/data-error.js';
import { extractMatrix, type ExtractedMatrix } from '../io/extract-matrix.js';
import { decodeText, parseCsv, type Table } from '../io/parse-csv.js';
import type { InputSource } from '../io/read-input.js';
import { applyScaler, fitScaler, type Scaler } from '../io/scaling.js';
import {
  checkDistinctNames,
  defaultColumns,
  mostlyNumericColumns,
  resolveColumns,
  type SelectedColumn,
} from '../io/select-columns.js';
import { plural } from '../present/text.js';
import type { ModelOptions } from './shared-options.js';

/** The input, parsed, with its modelled columns in original and scaled units. */
export interface PreparedData {
  readonly table: Table;
  readonly columns: SelectedColumn[];
  readonly profileColumns: SelectedColumn[];
  readonly extracted: ExtractedMatrix;
  readonly scaler: Scaler;
  /** n×d, scaled: what the engine fits. */
  readonly data: DataMatrix;
}

/** read → select → extract → scale (DESIGN.md's one-way data flow, up to the engine). */
export function prepareData(
  input: InputSource,
  options: ModelOptions,
  command: string,
  io: CommandIo,
): PreparedData {
  const table = parseCsv(decodeText(input.bytes, input.name), input.name);
  const columns =
    options.cols === undefined ? defaultColumns(table) : resolveColumns(options.cols, table.header);
  checkDistinctNames(columns, table.header);
  if (options.cols === undefined) warnLeftOut(table, io, command);
  const profileColumns =
    options.profile === undefined ? [] : resolveColumns(options.profile, table.header);
  const extracted = extractMatrix(
    table,
    columns.map((c) => c.index),
    options.missing,
  );
  if (extracted.droppedRows > 0 && !options.quiet) {
    writeNote(
      io,
      command,
      'note',
      `${plural(extracted.droppedRows, 'row')} with a missing value dropped (--missing drop)`,
    );
  }
  if (extracted.nSamples < 2) {
    throw new DataError(
      `${table.source}: has ${plural(extracted.nSamples, 'usable row')}; a mixture needs at least 2`,
      'give more rows',
    );
  }
  // A component's covariance is estimated from more rows than columns (the engine
  // discards one holding at most d rows), so n ≤ d cannot give any fit.
  if (extracted.nSamples <= extracted.nFeatures) {
    throw new DataError(
      `${table.source}: has ${plural(extracted.nSamples, 'usable row')} for ${plural(extracted.nFeatures, 'modelled column')}; a mixture needs more rows than columns`,
      'choose fewer columns with --cols, or give more rows',
    );
  }
  const scaler = fitScaler(
    extracted.values,
    extracted.nSamples,
    extracted.nFeatures,
    options.scale,
    columns.map((c) => c.name),
  );
  const data: DataMatrix = {
    values: applyScaler(extracted.values, extracted.nFeatures, scaler),
    nSamples: extracted.nSamples,
    nFeatures: extracted.nFeatures,
  };
  return { table, columns, profileColumns, extracted, scaler, data };
}

/** A note for each mostly numeric column the default selection left out, naming the cell why. */
function warnLeftOut(table: Table, io: CommandIo, command: string): void {
  for (const { index, row, value } of mostlyNumericColumns(table)) {
    writeNote(
      io,
      command,
      'warning',
      `${describeColumn(table.header, index)} is not modelled: line ${table.lineNumbers[row]} holds ${quoteValue(value)}, which is not a number`,
    );
  }
}
