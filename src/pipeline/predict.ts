import { writeNote, type CommandIo } from '../terminal/terminal.js';
import type { PredictOptions } from './options.js';
import { labelledCsvHeader, labelledCsvRows } from '../io/labelled-csv.js';
import { plural } from '../present/text.js';
import { loadModel } from './load-model.js';
import { droppedRowsNote, marginalisedNote, openRowsFor, writeScoredStream } from './model-rows.js';

/**
 * gmm predict: the labelled CSV of gmm fit (input columns, segment, p_1..p_K,
 * certainty) for new rows, streamed a batch at a time.
 */
export async function runPredict(
  modelPath: string,
  file: string,
  options: PredictOptions,
  io: CommandIo,
): Promise<void> {
  const { document, parameters } = await loadModel(modelPath);
  const target = options.labels ?? '-';
  const stream = await openRowsFor(file, '--labels', target, {
    decimal: options.decimal,
    encoding: options.encoding,
    inputFormat: options.inputFormat,
  });
  const K = parameters.nComponents;
  const { rows, dropped, marginalised } = await writeScoredStream(
    stream,
    document,
    parameters,
    options.missing,
    target,
    io.stdout,
    labelledCsvHeader(stream.headerText, K, stream.delimiter),
    ({ lines, memberships }) => labelledCsvRows(lines, memberships, K, stream.delimiter),
  );
  if (!options.quiet) {
    writeNote(
      io,
      'predict',
      'note',
      `${plural(rows, 'row')} assigned to ${K} segments${droppedRowsNote(dropped)}${marginalisedNote(marginalised)}`,
    );
  }
}
