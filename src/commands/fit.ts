import { join } from 'node:path';
import type { CommandIo } from '../cli/terminal.js';
import { NumericError } from '../engine/numeric-error.js';
import { bestCell, sweepModels, type ScoredFit } from '../engine/select-model.js';
import { readInput } from '../io/read-input.js';
import { checkOutputPaths } from '../io/write-output.js';
import { startRunnerWithThreads } from '../parallel/start-pool.js';
import {
  checkSingleStdout,
  outputPathMap,
  reportFit,
  type FitOutputPaths,
  type SelectionRecord,
} from './fit-report.js';
import { prepareData, type PreparedData } from './prepare-data.js';
import type { FitCommandOptions } from './shared-options.js';

export const FAILED_FIT_HINT =
  'try fewer components (-k), a larger --reg-covar (e.g. 1e-3), or --covariance diag';

/** gmm fit: one model, or the K of lowest BIC when -k is a range or auto. */
export async function runFit(
  file: string,
  options: FitCommandOptions,
  io: CommandIo,
): Promise<void> {
  const inDir = (name: string) =>
    options.outDir === undefined ? undefined : join(options.outDir, name);
  const paths: FitOutputPaths = {
    labels: options.labels ?? inDir('segments.csv'),
    model: options.model ?? inDir('model.json'),
    scatter: options.plot ?? inDir('plot.svg'),
  };
  const named = { labels: paths.labels, model: paths.model, plot: paths.scatter };
  checkSingleStdout(named);
  const input = await readInput(file);
  checkOutputPaths(outputPathMap(named), input.path);
  const prepared = prepareData(input, options, 'fit', io);
  const { scored, selection } = await chooseModel(prepared, options);
  await reportFit('fit', prepared, scored, selection, options, paths, [], io);
}

/** Fits the candidate K (one, or a sweep by BIC) with the shared multi-start machinery. */
async function chooseModel(
  prepared: PreparedData,
  options: FitCommandOptions,
): Promise<{ scored: ScoredFit; selection: SelectionRecord | undefined }> {
  const { components } = options;
  const candidates = components.kind === 'fixed' ? [components.nComponents] : components.candidates;
  const cells = await sweepModels(
    prepared.data,
    candidates,
    [options.covariance],
    options,
    startRunnerWithThreads(options.threads),
  );
  const best = bestCell(cells, 'bic');
  if (best?.result === undefined) {
    const reason = cells.map((c) => c.failure).find((f) => f !== undefined) ?? 'no candidate K';
    const scope =
      components.kind === 'fixed' ? '' : `no K in ${components.text} gave a usable fit: `;
    throw new NumericError(`${scope}${reason}`, FAILED_FIT_HINT);
  }
  return {
    scored: best.result,
    selection: components.kind === 'fixed' ? undefined : { criterion: 'bic', cells },
  };
}
