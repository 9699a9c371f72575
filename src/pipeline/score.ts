import { writeNote, type CommandIo } from '../terminal/terminal.js';
import type { ScoreOptions } from './options.js';
import { formatCsvRow, formatMeasurement } from '../io/csv-format.js';
import { logScaleJacobian } from '../io/scaling.js';
import { formatPercent, plural } from '../present/text.js';
import { anomalyThreshold, checkAnomalyOptions } from './anomaly-threshold.js';
import { loadModel } from './load-model.js';
import { droppedRowsNote, marginalisedNote, openRowsFor, writeScoredStream } from './model-rows.js';

/**
 * gmm score: each row's log density under the model (natural log, original units:
 * the scaled-data log density minus Σⱼ log sⱼ), and with --anomaly-rate q or
 * --threshold x an `anomaly` flag for rows below the threshold.
 */
export async function runScore(
  modelPath: string,
  file: string,
  options: ScoreOptions,
  io: CommandIo,
): Promise<void> {
  checkAnomalyOptions(options);
  const { document, parameters } = await loadModel(modelPath);
  const threshold = anomalyThreshold(document, options, modelPath);
  const jacobian = logScaleJacobian(document.scaler);
  const logScales = document.scaler.scale.map((s) => Math.log(s));
  const target = options.out ?? '-';
  const stream = await openRowsFor(file, '--out', target, {
    decimal: options.decimal,
    encoding: options.encoding,
    inputFormat: options.inputFormat,
  });
  const { delimiter } = stream;
  const extraHeader = threshold === undefined ? ['log_density'] : ['log_density', 'anomaly'];
  let flagged = 0;
  const { rows, dropped, marginalised } = await writeScoredStream(
    stream,
    document,
    parameters,
    options.missing,
    target,
    io.stdout,
    `${stream.headerText}${delimiter}${formatCsvRow(extraHeader, delimiter)}\n`,
    ({ lines, memberships, values }) => {
      let text = '';
      const d = logScales.length;
      for (let i = 0; i < lines.length; i++) {
        // a row with missing cells: the density of its observed cells, their Jacobian only
        let rowJacobian = jacobian;
        for (let j = 0; j < d; j++) {
          if (values[i * d + j] !== values[i * d + j]) rowJacobian -= logScales[j];
        }
        const logDensity = memberships.logDensity[i] - rowJacobian;
        let line = `${lines[i]}${delimiter}${formatMeasurement(logDensity)}`;
        if (threshold !== undefined) {
          const anomaly = logDensity < threshold;
          if (anomaly) flagged++;
          line += `${delimiter}${anomaly ? 1 : 0}`;
        }
        text += `${line}\n`;
      }
      return text;
    },
  );
  if (!options.quiet || threshold !== undefined) {
    const flaggedText =
      threshold === undefined
        ? ''
        : ` · ${plural(flagged, 'row')} flagged as anomalies (log density < ${formatMeasurement(threshold)}` +
          (options.anomalyRate === undefined
            ? ')'
            : `, rarer than ${formatPercent(options.anomalyRate)} of the training rows)`);
    writeNote(
      io,
      'score',
      'note',
      `${plural(rows, 'row')} scored${droppedRowsNote(dropped)}${marginalisedNote(marginalised)}${flaggedText}`,
    );
  }
}
