import type { CommandIo } from '../terminal/terminal.js';
import { chooseModel } from './choose-model.js';
import {
  checkImpute,
  checkOutputs,
  inOutDir,
  writeFitOutputs,
  type FitOutputPaths,
} from './fit-outputs.js';
import { describeFit } from './fitted-model.js';
import type { FitOptions } from './options.js';
import { prepareData } from './prepare-data.js';

/** gmm fit: read → choose the model (one K, or the K of lowest BIC) → describe it → write. */
export async function runFit(file: string, options: FitOptions, io: CommandIo): Promise<void> {
  checkImpute(options);
  const paths: FitOutputPaths = {
    labels: options.labels ?? inOutDir(options.outDir, 'segments.csv'),
    model: options.model ?? inOutDir(options.outDir, 'model.json'),
    scatter: options.plot ?? inOutDir(options.outDir, 'plot.svg'),
    report: options.report ?? inOutDir(options.outDir, 'report.html'),
  };
  checkOutputs(
    file,
    options.outDir,
    { labels: paths.labels, model: paths.model, plot: paths.scatter, report: paths.report },
    [paths.scatter],
  );
  const prepared = await prepareData(file, options, 'fit', io, {
    replayable: paths.labels !== undefined,
  });
  const { scored, selection } = await chooseModel(prepared, options, io);
  const fitted = describeFit(prepared, scored, options, selection, {
    memberships: paths.labels !== undefined,
    impute: options.impute && paths.labels !== undefined,
  });
  await writeFitOutputs('fit', fitted, options, paths, [], io);
}
