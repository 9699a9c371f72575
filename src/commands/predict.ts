import { writeNote, type CommandIo } from '../cli/terminal.js';
import { openCsvStream } from '../io/csv-stream.js';
import type { MissingPolicy } from '../io/extract-matrix.js';
import { labelledCsvHeader, labelledCsvRows } from '../io/labelled-csv.js';
import { checkOutputPaths, openOutput, withSignalCleanup } from '../io/write-output.js';
import { plural } from '../present/text.js';
import { loadModel } from './load-model.js';
import { scoreStream } from './model-rows.js';

export interface PredictOptions {
  readonly labels: string | undefined;
  readonly missing: MissingPolicy;
  readonly quiet: boolean;
}

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
  const stream = await openCsvStream(file);
  checkOutputPaths(new Map([['--labels', target]]), stream.path);
  const K = parameters.nComponents;
  await withSignalCleanup(async () => {
    const output = openOutput(target, io.stdout);
    try {
      // The header goes out with the first rows, so a file refused at once (a missing
      // column, a bad first row) leaves standard output empty.
      let header = labelledCsvHeader(stream.header, K, stream.delimiter);
      const { rows, dropped } = await scoreStream(
        stream,
        document,
        parameters,
        options.missing,
        async ({ batch, extracted, memberships }) => {
          await output.write(
            header +
              labelledCsvRows(batch.rows, extracted.rowIndexes, memberships, K, stream.delimiter),
          );
          header = '';
        },
      );
      await output.write(header);
      await output.commit();
      if (!options.quiet) {
        const droppedText =
          dropped > 0 ? ` (${plural(dropped, 'row')} with a missing value dropped)` : '';
        writeNote(
          io,
          'predict',
          'note',
          `${plural(rows, 'row')} assigned to ${K} segments${droppedText}`,
        );
      }
    } catch (error) {
      output.abort();
      throw error;
    }
  });
}
