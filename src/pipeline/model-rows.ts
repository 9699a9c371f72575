import type { MixtureParameters } from '../engine/types.js';
import { predictMemberships, type Memberships } from '../engine/predict.js';
import { countMissing } from '../engine/row-patterns.js';
import { describeColumn, quoteValue } from '../io/quote-value.js';
import type { MissingPolicy } from '../io/cell-number.js';
import { openCsv, withCsvReader, type CsvReader, type OpenCsvOptions } from '../io/csv-reader.js';
import { cellOfLine, forEachRowBatch, type RowBatch } from '../io/csv-stream.js';
import type { ModelDocument } from '../io/model-document.js';
import { MAX_SCALED_MAGNITUDE, scaleInPlace } from '../io/scaling.js';
import { listHeaders } from '../io/select-columns.js';
import { openTableOutput } from '../io/table-output.js';
import { checkOutputPaths, withSignalCleanup } from '../io/write-output.js';
import { plural } from '../present/text.js';
import { GmmError } from '../errors.js';

/**
 * Opens the rows a model command reads, once its output (`option`: target) is known
 * not to be the input; refused, the file is closed here (reading it closes it otherwise).
 */
export async function openRowsFor(
  file: string,
  option: string,
  target: string,
  options: OpenCsvOptions = {},
): Promise<CsvReader> {
  const stream = await openCsv(file, options);
  try {
    checkOutputPaths(new Map([[option, target]]), stream.path);
  } catch (error) {
    await stream.close();
    throw error;
  }
  return stream;
}

/** The header index of each model column, matched by exact name. */
export function modelColumnIndexes(
  document: ModelDocument,
  header: readonly string[],
  source: string,
): number[] {
  return document.columns.map((name) => {
    const matches = header.flatMap((h, i) => (h === name ? [i] : []));
    if (matches.length === 0) {
      throw new GmmError(
        'data',
        `${source}: has no column ${quoteValue(name)}, which the model was fitted on`,
        `the columns are: ${listHeaders(header)}`,
      );
    }
    if (matches.length > 1) {
      throw new GmmError(
        'data',
        `${source}: column name ${quoteValue(name)} appears ${matches.length} times (columns ${matches.map((i) => i + 1).join(', ')})`,
        'give each column a unique name',
      );
    }
    return matches[0];
  });
}

export interface ScoredBatch {
  /** The rows kept, as written in the input. */
  readonly lines: readonly string[];
  readonly memberships: Memberships;
  /** nRows×d, scaled; NaN in a missing cell (--missing em). */
  readonly values: Float64Array;
}

/**
 * Streams the input through the model a batch at a time: the model's columns read
 * as numbers (missing policy as in fit), scaled with the stored scaler, and the
 * memberships computed. Memory stays at one batch. Returns the rows kept and dropped;
 * the input is closed when it returns or throws.
 */
export async function scoreStream(
  stream: CsvReader,
  document: ModelDocument,
  parameters: MixtureParameters,
  missing: MissingPolicy,
  onBatch: (scored: ScoredBatch) => Promise<void>,
): Promise<{ rows: number; dropped: number; marginalised: number }> {
  // The input closes on every path, a model column it lacks included.
  return withCsvReader(stream, async () => {
    const indexes = modelColumnIndexes(document, stream.header, stream.source);
    const d = indexes.length;
    let marginalised = 0;
    const counts = await forEachRowBatch(stream, indexes, missing, async (batch) => {
      const data = {
        values: scaleInPlace(batch.values, d, document.scaler),
        nSamples: batch.nRows,
        nFeatures: d,
      };
      checkScaledRows(data.values, batch, stream, indexes, document.scaler.method);
      if (missing === 'em') marginalised += countMissing(data.values, data.nSamples, d).rows;
      await onBatch({
        lines: batch.lines,
        memberships: predictMemberships(data, parameters),
        values: data.values,
      });
    });
    return { ...counts, marginalised };
  });
}

/**
 * " · 3 rows with missing cells scored on their observed cells (…)", or "" when none:
 * the note predict and score give under --missing em.
 */
export function marginalisedNote(marginalised: number): string {
  return marginalised > 0
    ? ` · ${plural(marginalised, 'row')} with missing cells scored on their observed cells (the mixture's marginal, --missing em)`
    : '';
}

/**
 * A row so far from the model's data that its squared distance overflows has no
 * density to report (it would come out as -Infinity or NaN): name its line and cell.
 */
function checkScaledRows(
  scaled: Float64Array,
  batch: RowBatch,
  stream: CsvReader,
  indexes: readonly number[],
  method: string,
): void {
  const d = indexes.length;
  for (let e = 0; e < scaled.length; e++) {
    // NaN: a missing cell (--missing em), marginalised over
    if (!(Math.abs(scaled[e]) > MAX_SCALED_MAGNITUDE)) continue;
    const row = Math.floor(e / d);
    const column = indexes[e % d];
    const cell = cellOfLine(batch.lines[row], stream.delimiter, column);
    throw new GmmError(
      'data',
      `${stream.source}: line ${batch.lineNumbers[row]}, ${describeColumn(stream.header, column)}: ${quoteValue(cell)} is too far from the model's data to score (${Math.abs(scaled[e]).toPrecision(2)} in ${method}-scaled units)`,
      'check the value; the model cannot give a density this far out',
    );
  }
}

/**
 * Streams the input through the model into `target` (a file written atomically, or "-"
 * for stdout): `header`, then each batch's lines from `formatBatch`. The header goes out
 * with the first rows, so an input refused at once (a missing column, a bad first row)
 * leaves standard output empty. Returns the rows kept and dropped.
 */
export async function writeScoredStream(
  stream: CsvReader,
  document: ModelDocument,
  parameters: MixtureParameters,
  missing: MissingPolicy,
  target: string,
  stdout: NodeJS.WritableStream,
  header: string,
  formatBatch: (scored: ScoredBatch) => string,
): Promise<{ rows: number; dropped: number; marginalised: number }> {
  return withSignalCleanup(async () => {
    const output = openTableOutput(target, stdout, stream.delimiter);
    try {
      let pending = header;
      const counts = await scoreStream(stream, document, parameters, missing, async (scored) => {
        await output.write(pending + formatBatch(scored));
        pending = '';
      });
      await output.write(pending);
      await output.commit();
      return counts;
    } catch (error) {
      output.abort();
      throw error;
    }
  });
}

/** " (3 rows with a missing value dropped)", or "" when none were. */
export function droppedRowsNote(dropped: number): string {
  return dropped > 0 ? ` (${plural(dropped, 'row')} with a missing value dropped)` : '';
}
