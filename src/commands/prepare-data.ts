import { writeNote, type CommandIo } from '../cli/terminal.js';
import type { DataMatrix } from '../engine/types.js';
import { DataError } from '../io/data-error.js';
import { extractMatrix, type ExtractedMatrix } from '../io/extract-matrix.js';
import { decodeText, parseCsv, type Table } from '../io/parse-csv.js';
import type { InputSource } from '../io/read-input.js';
import { applyScaler, fitScaler, type Scaler } from '../io/scaling.js';
import { defaultColumns, resolveColumns, type SelectedColumn } from '../io/select-columns.js';
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
