import { basename, join } from 'node:path';
import { terminalProgress } from '../terminal/progress.js';
import { chalkFor, type CommandIo } from '../terminal/terminal.js';
import { bestCell, sweepModels, type Criterion, type SweepCell } from '../engine/select-model.js';
import { MCLUST_NAMES, type CovarianceType } from '../engine/types.js';
import { inputPath } from '../io/file-system.js';
import { checkOutputPaths, ensureDirectory, writeFilesAtomically } from '../io/write-output.js';
import { sweepRunnerWithThreads } from '../parallel/search-pool.js';
import { criterionPlotSpec } from '../present/criterion-plot-spec.js';
import { preloadRenderer, renderSvg } from '../present/render-svg.js';
import { renderSelection, type SelectionReport } from '../present/selection.js';
import { formatCriterion } from '../present/text.js';
import { FAILED_FIT_HINT } from './fit.js';
import {
  checkSingleStdout,
  outputPathMap,
  reportFit,
  type ExtraOutput,
  type FitOutputPaths,
} from './fit-report.js';
import { prepareData, type PreparedData } from './prepare-data.js';
import type { FitOutputOptions, ModelOptions } from './shared-options.js';
import { GmmError } from '../errors.js';

export interface SelectKOptions extends ModelOptions, FitOutputOptions {
  readonly covariance: CovarianceType[];
  readonly criterion: Criterion;
  /** The criterion plot (not the scatter: that comes with --fit and --out-dir). */
  readonly plot: string | undefined;
  readonly fit: boolean;
}

/** gmm select-k: the criterion over K × covariance structures, best marked. */
export async function runSelectK(
  file: string,
  options: SelectKOptions,
  io: CommandIo,
): Promise<void> {
  const inDir = (name: string) =>
    options.outDir === undefined ? undefined : join(options.outDir, name);
  // --labels and --model are outputs of the chosen fit, so they ask for it.
  const fit = options.fit || options.labels !== undefined || options.model !== undefined;
  const fitPaths: FitOutputPaths = {
    labels: options.labels ?? (fit ? inDir('segments.csv') : undefined),
    model: options.model ?? (fit ? inDir('model.json') : undefined),
    scatter: fit ? inDir('plot.svg') : undefined,
  };
  const plotPath = options.plot ?? inDir(`${options.criterion}.svg`);
  const named = {
    labels: fitPaths.labels,
    model: fitPaths.model,
    plot: plotPath,
    scatter: fitPaths.scatter,
  };
  checkSingleStdout(named);
  checkOutputPaths(outputPathMap(named), inputPath(file), options.outDir);
  if (plotPath !== undefined || fitPaths.scatter !== undefined) preloadRenderer();
  const prepared = await prepareData(file, options, 'select-k', io, {
    replayable: fitPaths.labels !== undefined,
  });

  const components = options.components;
  const candidates = components.kind === 'fixed' ? [components.nComponents] : components.candidates;
  const cells = await terminalProgress(
    io,
    `gmm select-k: ${prepared.data.nSamples} rows`,
    options.quiet,
  ).during((progress) =>
    sweepModels(
      prepared.data,
      candidates,
      options.covariance,
      options,
      sweepRunnerWithThreads(options.threads),
      progress.sweep,
      options.criterion,
    ),
  );
  const best = bestCell(cells, options.criterion);
  if (best?.result === undefined) {
    const reason = cells.map((c) => c.failure).find((f) => f !== undefined) ?? 'no candidate';
    throw new GmmError(
      'numeric',
      `no cell of the sweep gave a usable fit (${reason})`,
      FAILED_FIT_HINT,
    );
  }
  const report = selectionReport(prepared, options, candidates, cells, cells.indexOf(best));
  const extras: ExtraOutput[] = [];
  if (plotPath !== undefined) {
    extras.push({ path: plotPath, content: await renderSvg(criterionPlotSpec(plotInput(report))) });
  }
  const toStdout = [...extras, ...Object.values(fitPaths).map((path) => ({ path }))].some(
    (output) => output.path === '-',
  );
  const tableStream = toStdout ? io.stderr : io.stdout;
  // The table is shown once every file is written: a failed run shows only its error.
  const showTable = () =>
    tableStream.write(renderSelection(report, options.format, chalkFor(tableStream, io.env)));
  if (fit) {
    await reportFit(
      'select-k',
      prepared,
      best.result,
      { criterion: options.criterion, cells },
      options,
      fitPaths,
      extras,
      io,
      showTable,
    );
    return;
  }
  const files = extras.filter((e) => e.path !== '-');
  if (options.outDir !== undefined && files.length > 0) ensureDirectory(options.outDir);
  await writeFilesAtomically(files);
  showTable();
  for (const extra of extras.filter((e) => e.path === '-')) io.stdout.write(extra.content);
}

function selectionReport(
  prepared: PreparedData,
  options: SelectKOptions,
  componentCounts: readonly number[],
  cells: readonly SweepCell[],
  best: number,
): SelectionReport {
  return {
    source: prepared.source,
    nSamples: prepared.data.nSamples,
    columns: prepared.columns.map((c) => c.name),
    criterion: options.criterion,
    componentCounts,
    covarianceTypes: options.covariance,
    cells: cells.map((cell) => {
      const criteria = cell.result?.criteria;
      return {
        nComponents: cell.nComponents,
        covarianceType: cell.covarianceType,
        mclustName: MCLUST_NAMES[cell.covarianceType],
        logLikelihood: criteria?.logLikelihood ?? null,
        nParameters: criteria?.nParameters ?? null,
        bic: criteria?.bic ?? null,
        aic: criteria?.aic ?? null,
        icl: criteria?.icl ?? null,
        iterations: cell.result?.fit.iterations ?? null,
        converged: cell.result?.fit.converged ?? null,
        starts: cell.result?.fit.starts.length ?? null,
        stoppedEarly: cell.stoppedEarly,
        failure: cell.failure ?? null,
      };
    }),
    best,
  };
}

function plotInput(report: SelectionReport) {
  const name = report.criterion.toUpperCase();
  const points = report.cells
    .filter((cell) => cell[report.criterion] !== null)
    .map((cell) => ({
      k: cell.nComponents,
      value: cell[report.criterion]!,
      structure: cell.covarianceType,
    }));
  const best = report.cells[report.best];
  const bestValue = best[report.criterion]!;
  return {
    title: `${basename(report.source)}: ${name} by number of segments`,
    subtitle: `${report.columns.join(', ')} · lower is better (mclust plots the negative) · best of the search per point`,
    yTitle: `${name} (lower is better)`,
    structures: report.covarianceTypes,
    points,
    best: { k: best.nComponents, value: bestValue, structure: best.covarianceType },
    bestLabel: `best: ${best.covarianceType} K=${best.nComponents} (${formatCriterion(bestValue)})`,
  };
}
