import { terminalProgress } from '../terminal/progress.js';
import { writeNote, type CommandIo } from '../terminal/terminal.js';
import { groupRowsByPattern, type GroupedRows } from '../engine/row-patterns.js';
import type { DataMatrix } from '../engine/types.js';
import { openCsv, type CsvReader, withCsvReader } from '../io/csv-reader.js';
import { describeColumn, quoteValue } from '../io/quote-value.js';
import { findDroppedRows, noValueInRowError, takeColumns } from '../io/extract-matrix.js';
import { readColumns, type ColumnPlan, type ColumnTable } from '../io/read-columns.js';
import { fitScaler, scaleInPlace, summarizeColumns, type Scaler } from '../io/scaling.js';
import {
  checkDistinctNames,
  defaultCandidates,
  defaultColumns,
  isNumericColumn,
  mostlyNumericColumns,
  resolveColumns,
  type SelectedColumn,
} from '../io/select-columns.js';
import { weightPlan, takeWeights } from '../io/weight-column.js';
import { countMissing } from '../engine/row-patterns.js';
import { plural } from '../present/text.js';
import type { ModelOptions } from './options.js';
import { GmmError } from '../errors.js';

/** Beyond this many rows the scatter shows an evenly spaced subset; ellipses use the full model. */
export const MAX_PLOTTED_POINTS = 10_000;

/** A --profile column over the rows kept: numbers (NaN = missing), or categories. */
export type ProfileData =
  | { readonly kind: 'numeric'; readonly column: SelectedColumn; readonly values: Float64Array }
  | {
      readonly kind: 'categorical';
      readonly column: SelectedColumn;
      readonly names: readonly string[];
      /** One code (index into names) per row kept. */
      readonly codes: Int32Array;
    };

/** The input, read once, with its modelled columns scaled for the engine. */
export interface PreparedData {
  readonly source: string;
  readonly header: readonly string[];
  /** Reopens the input for a second pass (the labelled CSV). */
  readonly input: Pick<CsvReader, 'reopen' | 'delimiter'>;
  readonly columns: SelectedColumn[];
  readonly profiles: ProfileData[];
  /** Data rows in the input, kept or not. */
  readonly nRows: number;
  /** Per input row, 1 where it was dropped (--missing drop); undefined when none was. */
  readonly dropped: Uint8Array | undefined;
  readonly droppedRows: number;
  readonly scaler: Scaler;
  /** n×d, scaled: what the engine fits (on a SharedArrayBuffer). */
  readonly data: DataMatrix;
  /** Per modelled column, its mean and population sd in original units. */
  readonly moments: readonly { mean: number; sd: number }[];
  /** Every `stride`-th kept row in original units (m×d): the points a scatter shows. */
  readonly plotSample: { readonly stride: number; readonly values: Float64Array };
  /** --weights: the weight column (data.rowWeights holds the weights). */
  readonly weightColumn: SelectedColumn | undefined;
  /** --missing em: rows with a missing modelled cell, and per column its missing cells. */
  readonly missingCells: { readonly rows: number; readonly perColumn: number[] } | undefined;
  /**
   * --missing em with missing cells: `data`'s rows grouped by missingness pattern
   * (engine/row-patterns.ts), once, for the fit and its final E-step; undefined otherwise.
   */
  readonly grouped: GroupedRows | undefined;
}

/**
 * read → select → extract → scale (docs/DESIGN.md's one-way data flow, up to the engine).
 * The file is read once, a chunk at a time, keeping only the columns that matter.
 */
export async function prepareData(
  file: string,
  options: ModelOptions,
  command: string,
  io: CommandIo,
  { replayable }: { replayable: boolean },
): Promise<PreparedData> {
  const reader = await openCsv(file, {
    replayable,
    decimal: options.decimal,
    encoding: options.encoding,
    inputFormat: options.inputFormat,
  });
  const { header } = reader;
  const read = await withCsvReader(reader, async () => {
    const named = options.cols === undefined ? undefined : resolveColumns(options.cols, header);
    if (named !== undefined) checkDistinctNames(named, header);
    const profileColumns =
      options.profile === undefined ? [] : resolveColumns(options.profile, header);
    const weightColumn =
      options.weights === undefined ? undefined : resolveColumns([options.weights], header)[0];
    if (weightColumn !== undefined && named?.some((c) => c.index === weightColumn.index)) {
      throw new GmmError(
        'usage',
        `--weights ${quoteValue(options.weights!)} is also a modelled column (--cols)`,
        'a weight column says how many rows each row stands for: leave it out of --cols',
      );
    }
    const table = await terminalProgress(
      io,
      `gmm ${command}: reading ${reader.source}`,
      options.quiet,
    ).during((progress) =>
      readColumns(reader, columnPlans(header, named, profileColumns, weightColumn), (rows) =>
        progress.rowsRead(rows),
      ),
    );
    return { named, profileColumns, weightColumn, table };
  });
  const { named, profileColumns, table, weightColumn } = read;
  const columns = named ?? defaultColumns(table).filter((c) => c.index !== weightColumn?.index);
  if (named === undefined) {
    checkDistinctNames(columns, header);
    warnLeftOut(table, io, command);
  }
  const indexes = columns.map((c) => c.index);
  const extracted = findDroppedRows(table, indexes, options.missing);
  const nSamples = table.nRows - extracted.droppedRows;
  const nFeatures = columns.length;
  if (extracted.droppedRows > 0 && !options.quiet) {
    writeNote(
      io,
      command,
      'note',
      `${plural(extracted.droppedRows, 'row')} with a missing value dropped (--missing drop)`,
    );
  }
  if (nSamples < 2) {
    throw new GmmError(
      'data',
      `${table.source}: has ${plural(nSamples, 'usable row')}; a mixture needs at least 2`,
      'give more rows',
    );
  }
  // A component's covariance is estimated from more rows than columns (the engine
  // discards one holding at most d rows), so n ≤ d cannot give any fit.
  if (nSamples <= nFeatures) {
    throw new GmmError(
      'data',
      `${table.source}: has ${plural(nSamples, 'usable row')} for ${plural(nFeatures, 'modelled column')}; a mixture needs more rows than columns`,
      'choose fewer columns with --cols, or give more rows',
    );
  }
  // Profiles first: taking the model's columns uses up the table's numbers.
  const profiles = profileColumns.map((column) =>
    profileData(table, column, extracted.dropped, nSamples),
  );
  const rowWeights =
    weightColumn === undefined
      ? undefined
      : takeWeights(table, weightColumn.index, extracted.dropped, nSamples);
  const values = takeColumns(table, indexes, extracted);
  const missingCells =
    options.missing === 'em' ? checkObservedCells(values, nSamples, columns, table) : undefined;
  const summaries = summarizeColumns(values, nSamples, nFeatures, rowWeights);
  const scaler = fitScaler(
    values,
    nSamples,
    nFeatures,
    options.scale,
    columns.map((c) => c.name),
    summaries,
    rowWeights,
  );
  const moments = summaries.map(({ mean, sd }) => ({ mean, sd }));
  const plotSample = thinnedRows(values, nSamples, nFeatures);
  const data = { values: scaleInPlace(values, nFeatures, scaler), nSamples, nFeatures, rowWeights };
  return {
    source: table.source,
    header,
    input: reader,
    columns,
    profiles,
    nRows: table.nRows,
    dropped: extracted.dropped,
    droppedRows: extracted.droppedRows,
    scaler,
    data,
    grouped:
      missingCells === undefined || missingCells.rows === 0
        ? undefined
        : groupRowsByPattern(data.values, nSamples, nFeatures, rowWeights),
    moments,
    plotSample,
    weightColumn,
    missingCells,
  };
}

/**
 * --missing em: every row must observe a modelled cell and every column hold a value;
 * returns how many rows have a missing cell, and per column how many cells are missing.
 */
function checkObservedCells(
  values: Float64Array,
  nSamples: number,
  columns: readonly SelectedColumn[],
  table: ColumnTable,
): { rows: number; perColumn: number[] } {
  const d = columns.length;
  for (let i = 0; i < nSamples; i++) {
    let observed = false;
    for (let j = 0; j < d && !observed; j++) observed = values[i * d + j] === values[i * d + j];
    if (!observed) {
      throw noValueInRowError(
        table.source,
        `data row ${i + 1}`,
        columns.map((c) => c.name),
      );
    }
  }
  const counts = countMissing(values, nSamples, d);
  counts.perColumn.forEach((missing, j) => {
    if (missing === nSamples) {
      throw new GmmError(
        'data',
        `${table.source}: ${describeColumn(table.header, columns[j].index)} has no value in any row`,
        'leave it out of --cols',
      );
    }
  });
  return counts;
}

/**
 * Which columns to read, and how: named model columns keep their numbers; without
 * --cols every candidate does while it looks numeric (counts alone once it does not);
 * profile columns keep their cells too, as categories.
 */
function columnPlans(
  header: readonly string[],
  named: readonly SelectedColumn[] | undefined,
  profileColumns: readonly SelectedColumn[],
  weightColumn: SelectedColumn | undefined,
): ColumnPlan[] {
  const plans = new Map<number, ColumnPlan>();
  const modelled = named?.map((c) => c.index) ?? defaultCandidates(header);
  for (const index of modelled) {
    plans.set(index, {
      index,
      keepValues: named === undefined ? 'whileNumeric' : 'always',
      keepCategories: false,
    });
  }
  for (const { index } of profileColumns) {
    plans.set(index, { index, keepValues: 'always', keepCategories: true });
  }
  if (weightColumn !== undefined) {
    const { index } = weightColumn;
    plans.set(index, weightPlan(index, plans.get(index)?.keepCategories ?? false));
  }
  return [...plans.values()];
}

/** A profile column's values for the rows kept: its numbers if it is numeric, else categories. */
function profileData(
  table: ColumnTable,
  column: SelectedColumn,
  dropped: Uint8Array | undefined,
  nKept: number,
): ProfileData {
  const data = table.columns.get(column.index)!;
  const numeric = isNumericColumn(data);
  const values = new Float64Array(numeric ? nKept : 0);
  const codes = new Int32Array(numeric ? 0 : nKept);
  for (let r = 0, i = 0; r < table.nRows; r++) {
    if (dropped !== undefined && dropped[r] === 1) continue;
    if (numeric) values[i++] = table.matrix.get(r, data.slot!);
    else codes[i++] = data.categories!.codes[r];
  }
  return numeric
    ? { kind: 'numeric', column, values }
    : { kind: 'categorical', column, names: data.categories!.names, codes };
}

/** Every stride-th row (at most MAX_PLOTTED_POINTS), copied before the matrix is scaled in place. */
function thinnedRows(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
): { stride: number; values: Float64Array } {
  const stride = Math.max(1, Math.ceil(nSamples / MAX_PLOTTED_POINTS));
  const rows = Math.ceil(nSamples / stride);
  const sample = new Float64Array(rows * nFeatures);
  for (let s = 0; s < rows; s++) {
    sample.set(
      values.subarray(s * stride * nFeatures, (s * stride + 1) * nFeatures),
      s * nFeatures,
    );
  }
  return { stride, values: sample };
}

/** A note for each mostly numeric column the default selection left out, naming the cell why. */
function warnLeftOut(table: ColumnTable, io: CommandIo, command: string): void {
  for (const { index, cell } of mostlyNumericColumns(table)) {
    writeNote(
      io,
      command,
      'warning',
      `${describeColumn(table.header, index)} is not modelled: line ${cell.line} holds ${quoteValue(cell.value)}, which is not a number`,
    );
  }
}
