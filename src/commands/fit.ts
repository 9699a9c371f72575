import { join } from 'node:path';
import type { CommandIo } from '../terminal/terminal.js';
import { terminalProgress } from '../terminal/progress.js';
import { MINIMUM_ROWS_REASON, minimumRowsPerComponent } from '../engine/degeneracy.js';
import { bestCell, sweepModels, type ScoredFit } from '../engine/select-model.js';
import type { CovarianceType } from '../engine/types.js';
import { inputPath } from '../io/file-system.js';
import { checkOutputPaths } from '../io/write-output.js';
import { sweepRunnerWithThreads } from '../parallel/search-pool.js';
import { preloadRenderer } from '../present/render-svg.js';
import { plural } from '../present/text.js';
import {
  checkSingleStdout,
  FAILED_FIT_HINT,
  outputPathMap,
  reportFit,
  type FitOutputPaths,
  type SelectionRecord,
} from './fit-report.js';
import { prepareData, type PreparedData } from './prepare-data.js';
import type { FitCommandOptions } from './shared-options.js';
import { GmmError } from '../errors.js';

export { FAILED_FIT_HINT };

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
  checkOutputPaths(outputPathMap(named), inputPath(file), options.outDir);
  // Vega's code is read from disk while the data are read and fitted.
  if (paths.scatter !== undefined) preloadRenderer();
  const prepared = await prepareData(file, options, 'fit', io, {
    replayable: paths.labels !== undefined,
  });
  const { scored, selection } = await chooseModel(prepared, options, io);
  await reportFit('fit', prepared, scored, selection, options, paths, [], io);
}

/** Fits the candidate K (one, or a sweep by BIC) with the shared multi-start machinery. */
async function chooseModel(
  prepared: PreparedData,
  options: FitCommandOptions,
  io: CommandIo,
): Promise<{ scored: ScoredFit; selection: SelectionRecord | undefined }> {
  const { components } = options;
  if (components.kind === 'fixed') {
    checkEnoughRows(prepared, components.nComponents, options.covariance);
  }
  const candidates = components.kind === 'fixed' ? [components.nComponents] : components.candidates;
  const cells = await terminalProgress(
    io,
    `gmm fit: ${prepared.data.nSamples} rows`,
    options.quiet,
  ).during((progress) =>
    sweepModels(
      prepared.data,
      candidates,
      [options.covariance],
      options,
      sweepRunnerWithThreads(options.threads),
      progress.sweep,
    ),
  );
  const best = bestCell(cells, 'bic');
  if (best?.result === undefined) {
    const reason = cells.map((c) => c.failure).find((f) => f !== undefined) ?? 'no candidate K';
    const scope =
      components.kind === 'fixed' ? '' : `no K in ${components.text} gave a usable fit: `;
    throw new GmmError('numeric', `${scope}${reason}`, FAILED_FIT_HINT);
  }
  return {
    scored: best.result,
    selection: components.kind === 'fixed' ? undefined : { criterion: 'bic', cells },
  };
}

/**
 * K components need K rows, more rows in all than K times what one component needs
 * under the structure (degeneracy.ts: more than d for full, more than one for diag and
 * spherical, none for tied), and K distinct points: short of that every start is
 * refused. Said plainly here rather than after every start failed.
 */
function checkEnoughRows(
  prepared: PreparedData,
  nComponents: number,
  covarianceType: CovarianceType,
): void {
  const { data, source } = prepared;
  const asked = `the ${nComponents} components asked for (-k ${nComponents})`;
  if (data.nSamples < nComponents) {
    throw new GmmError(
      'data',
      `${source}: has ${data.nSamples} rows, fewer than ${asked}`,
      `use -k ${data.nSamples} or fewer`,
    );
  }
  const perComponent = minimumRowsPerComponent(covarianceType, data.nFeatures);
  if (perComponent > 0 && data.nSamples <= nComponents * perComponent) {
    const most = Math.floor((data.nSamples - 1) / perComponent);
    const needs =
      covarianceType === 'full'
        ? `each needs more rows than the ${data.nFeatures} modelled columns`
        : `each needs more than ${plural(perComponent, 'row')} (${MINIMUM_ROWS_REASON[covarianceType]})`;
    throw new GmmError(
      'data',
      `${source}: has ${data.nSamples} rows, too few for ${asked}: ${needs}`,
      covarianceType === 'full'
        ? `use -k ${most} or fewer, or model fewer columns`
        : `use -k ${most} or fewer`,
    );
  }
  const distinct = countDistinctRows(data.values, data.nFeatures, nComponents);
  if (distinct < nComponents) {
    throw new GmmError(
      'data',
      `${source}: has only ${distinct} distinct rows in the modelled columns, fewer than ${asked}`,
      `use -k ${distinct} or fewer`,
    );
  }
}

/** Distinct rows of an n×d matrix, counted up to `enough` (then it stops looking). */
function countDistinctRows(values: Float64Array, d: number, enough: number): number {
  const seen = new Set<string>();
  for (let start = 0; start < values.length && seen.size < enough; start += d) {
    seen.add(values.subarray(start, start + d).join(','));
  }
  return seen.size;
}
