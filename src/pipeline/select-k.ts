import { basename } from 'node:path';
import { chalkFor, type CommandIo } from '../terminal/terminal.js';
import type { SweepCell } from '../engine/select-model.js';
import type { CovarianceType } from '../engine/types.js';
import { distinctModels, mclustName } from '../engine/model-names.js';
import { ensureDirectory, writeFilesAtomically } from '../io/write-output.js';
import { criterionPlotSpec } from '../present/criterion-plot-spec.js';
import { renderSvg } from '../present/render-svg.js';
import { renderSelection, type SelectionReport } from '../present/selection.js';
import { sweepAndChoose } from './choose-model.js';
import { criterionPlotInput } from './criterion-plot-input.js';
import {
  checkImpute,
  checkOutputs,
  inOutDir,
  writeFitOutputs,
  type ExtraOutput,
  type FitOutputPaths,
} from './fit-outputs.js';
import { describeFit } from './fitted-model.js';
import type { SelectKOptions } from './options.js';
import { prepareData, type PreparedData } from './prepare-data.js';

/** gmm select-k: the criterion over K × covariance structures, best marked (and fitted with --fit). */
export async function runSelectK(
  file: string,
  options: SelectKOptions,
  io: CommandIo,
): Promise<void> {
  checkImpute(options);
  // --labels, --model and --report are outputs of the chosen fit, so they ask for it.
  const fit =
    options.fit ||
    options.labels !== undefined ||
    options.model !== undefined ||
    options.report !== undefined;
  const fitPaths: FitOutputPaths = {
    labels: options.labels ?? (fit ? inOutDir(options.outDir, 'segments.csv') : undefined),
    model: options.model ?? (fit ? inOutDir(options.outDir, 'model.json') : undefined),
    scatter: fit ? inOutDir(options.outDir, 'plot.svg') : undefined,
    report: options.report ?? (fit ? inOutDir(options.outDir, 'report.html') : undefined),
  };
  const plotPath = options.plot ?? inOutDir(options.outDir, `${options.criterion}.svg`);
  checkOutputs(file, options.outDir, { ...fitPaths, plot: plotPath }, [plotPath, fitPaths.scatter]);
  const prepared = await prepareData(file, options, 'select-k', io, {
    replayable: fitPaths.labels !== undefined,
  });

  const components = options.components;
  const candidates = components.kind === 'fixed' ? [components.nComponents] : components.candidates;
  // With one column the fourteen models are two (E, V): each is fitted once.
  const models = distinctModels(options.covariance, prepared.data.nFeatures);
  const { cells, best, bestIndex } = await sweepAndChoose(
    'select-k',
    prepared,
    candidates,
    models,
    options.criterion,
    options,
    io,
    (reason) => `no cell of the sweep gave a usable fit (${reason})`,
  );
  const report = selectionReport(prepared, options, candidates, models, cells, bestIndex);
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
    const selection = { criterion: options.criterion, cells };
    const fitted = describeFit(prepared, best, options, selection, {
      memberships: fitPaths.labels !== undefined,
      impute: options.impute && fitPaths.labels !== undefined,
    });
    await writeFitOutputs('select-k', fitted, options, fitPaths, extras, io, showTable);
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
  models: readonly CovarianceType[],
  cells: readonly SweepCell[],
  best: number,
): SelectionReport {
  const d = prepared.data.nFeatures;
  return {
    source: prepared.source,
    nSamples: prepared.data.nSamples,
    columns: prepared.columns.map((c) => c.name),
    criterion: options.criterion,
    componentCounts,
    covarianceTypes: models,
    mclustNames: models.map((type) => mclustName(type, d)),
    cells: cells.map((cell) => {
      const criteria = cell.result?.criteria;
      return {
        nComponents: cell.nComponents,
        covarianceType: cell.covarianceType,
        mclustName: mclustName(cell.covarianceType, d),
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
  const best = report.cells[report.best];
  return criterionPlotInput(
    `${basename(report.source)}: `,
    report.columns,
    report.criterion,
    report.covarianceTypes,
    report.cells.map((cell) => ({
      nComponents: cell.nComponents,
      structure: cell.covarianceType,
      value: cell[report.criterion],
    })),
    { k: best.nComponents, value: best[report.criterion]!, structure: best.covarianceType },
    'best',
  );
}
