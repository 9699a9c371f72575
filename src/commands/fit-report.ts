import { basename } from 'node:path';
import { chalkFor, writeNote, type CommandIo } from '../terminal/terminal.js';
import { TOOL_VERSION } from '../version.js';
import {
  profileMeans,
  profileShares,
  segmentLabels,
  segmentStats,
  shortColumnName,
} from '../engine/describe-segments.js';
import { ellipseOutline } from '../engine/ellipse.js';
import { classifyRows, predictMemberships, type RowClasses } from '../engine/predict.js';
import { DENSITY_QUANTILE_LEVELS, quantilesInPlace } from '../engine/quantiles.js';
import type { ScoredFit, SweepCell } from '../engine/select-model.js';
import { MCLUST_NAMES } from '../engine/types.js';
import { describeColumn } from '../io/quote-value.js';
import { writeLabelledCsv } from '../io/labelled-csv.js';
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  serializeModel,
  toNestedMatrix,
  type ModelDocument,
} from '../io/model-document.js';
import { findNonFinite } from '../io/non-finite.js';
import { logScaleJacobian, unscaleCovariance, unscaleMean } from '../io/scaling.js';
import { resolveColumns } from '../io/select-columns.js';
import {
  ensureDirectory,
  openOutput,
  withSignalCleanup,
  writeFilesAtomically,
  type OutputSink,
} from '../io/write-output.js';
import { renderSvg } from '../present/render-svg.js';
import {
  scatterSpec,
  type EllipseVertex,
  type ScatterInput,
  type ScatterPoint,
} from '../present/scatter-spec.js';
import { renderSummary, type FitSummary, type ProfileCell } from '../present/summary.js';
import { forStream } from '../io/visible-text.js';
import { formatCriterion, formatLogLikelihood } from '../present/text.js';
import type { PreparedData } from './prepare-data.js';
import type { FitOutputOptions, ModelOptions } from './shared-options.js';
import { GmmError } from '../errors.js';

export const FAILED_FIT_HINT =
  'try fewer components (-k), a larger --reg-covar (e.g. 1e-3), or --covariance diag';

/** Where each output of a fit goes: a path, "-" for stdout, or undefined for none. */
export interface FitOutputPaths {
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly scatter: string | undefined;
}

/** A file computed by the command itself (select-k's BIC plot), written with the others. */
export interface ExtraOutput {
  readonly path: string;
  readonly content: string;
}

/** How K (and the structure) were chosen, when a sweep chose them. */
export interface SelectionRecord {
  readonly criterion: 'bic' | 'aic' | 'icl';
  readonly cells: readonly SweepCell[];
}

/** The paths of every output that is a file (not stdout), as option name → path. */
export function outputPathMap(entries: Record<string, string | undefined>): Map<string, string> {
  return new Map(
    Object.entries(entries)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, path]) => [`--${name}`, path]),
  );
}

/** Refuses two outputs to stdout: they would interleave. */
export function checkSingleStdout(entries: Record<string, string | undefined>): void {
  const toStdout = Object.entries(entries).filter(([, path]) => path === '-');
  if (toStdout.length > 1) {
    throw new GmmError(
      'usage',
      `only one output can go to standard output, but ${toStdout.map(([name]) => `--${name}`).join(' and ')} ${toStdout.length === 2 ? 'both' : 'all'} say -`,
      'send the others to files',
    );
  }
}

/**
 * Everything `gmm fit` shows and writes for a chosen model: summary, labelled CSV,
 * model JSON and scatter, plus any extra files. Everything but the labelled CSV is
 * computed before anything is written; the labelled CSV is streamed (the input read
 * again) to a temporary file renamed into place with the others, so a failure leaves
 * no files. `beforeSummary` shows what a command prints ahead of the summary (select-k's
 * table), once every file is written.
 */
export async function reportFit(
  command: string,
  prepared: PreparedData,
  scored: ScoredFit,
  selection: SelectionRecord | undefined,
  options: ModelOptions & FitOutputOptions,
  paths: FitOutputPaths,
  extras: readonly ExtraOutput[],
  io: CommandIo,
  beforeSummary?: () => void,
): Promise<void> {
  const rows = classifyRows(prepared.data, scored.fit.parameters);
  if (!scored.fit.converged) {
    writeNote(
      io,
      command,
      'warning',
      `EM did not converge in ${options.maxIter} iterations (relative change of ℓ still ≥ ${options.tol}); raise --max-iter or loosen --tol`,
    );
  }
  const labels = describeLabels(prepared, scored);
  const model = buildModelDocument(prepared, scored, rows, labels, options, selection);
  checkFinite(prepared, model, rows.certainty);
  const summary = buildSummary(prepared, scored, model, rows, selection);

  const contents: ExtraOutput[] = [];
  if (paths.model !== undefined)
    contents.push({ path: paths.model, content: serializeModel(model) });
  if (paths.scatter !== undefined) {
    const plotColumns = resolvePlotColumns(prepared, options.plotCols);
    if (plotColumns === undefined) {
      writeNote(io, command, 'warning', 'no scatter written: it needs two modelled columns');
    } else {
      const input = scatterInput(prepared, model, plotColumns, rows);
      contents.push({ path: paths.scatter, content: await renderSvg(scatterSpec(input)) });
    }
  }
  contents.push(...extras);

  const toStdout = paths.labels === '-' || contents.some((c) => c.path === '-');
  const summaryStream = toStdout ? io.stderr : io.stdout;
  const files = contents.filter((c) => c.path !== '-');
  const written = [
    ...(paths.labels === undefined || paths.labels === '-' ? [] : [paths.labels]),
    ...files.map((f) => f.path),
  ];
  if (options.outDir !== undefined && written.length > 0) ensureDirectory(options.outDir);
  await withSignalCleanup(async () => {
    const labels = paths.labels === undefined ? undefined : openOutput(paths.labels, io.stdout);
    try {
      if (labels !== undefined) await streamLabels(prepared, scored, labels);
      await writeFilesAtomically(files);
      await labels?.commit();
    } catch (error) {
      labels?.abort();
      throw error;
    }
  });
  beforeSummary?.();
  for (const { content } of contents.filter((c) => c.path === '-')) {
    io.stdout.write(forStream(io.stdout, content));
  }
  summaryStream.write(renderSummary(summary, options.format, chalkFor(summaryStream, io.env)));
  if (written.length > 0 && !options.quiet) {
    writeNote(io, command, 'note', `wrote ${written.join(', ')}`);
  }
}

/**
 * The labelled CSV, written by reading the input again: memberships are computed a
 * chunk of rows at a time, so no n×K array is ever held (10M rows × K=8 is 640 MB).
 */
async function streamLabels(
  prepared: PreparedData,
  scored: ScoredFit,
  sink: OutputSink,
): Promise<void> {
  const { data, nRows, dropped } = prepared;
  const { parameters } = scored.fit;
  const d = data.nFeatures;
  await writeLabelledCsv(
    await prepared.input.reopen(),
    { nRows, dropped, nComponents: parameters.nComponents },
    sink,
    (first, count) =>
      predictMemberships(
        {
          values: data.values.subarray(first * d, (first + count) * d),
          nSamples: count,
          nFeatures: d,
        },
        parameters,
      ),
  );
}

/**
 * Refuses to report a fit holding NaN or ±Infinity (JSON would write null, a CSV
 * "NaN"). The usual cause is a column whose variance in original units overflows
 * (a spread beyond ~1e154): that one is named, with the rescaling that avoids it.
 */
function checkFinite(prepared: PreparedData, model: ModelDocument, certainty: Float64Array): void {
  const bad = findNonFinite(model) ?? findNonFinite({ certainty });
  if (bad === undefined) return;
  const original = /^components\[\d+\]\.(?:covarianceOriginal|meanOriginal)\[(\d+)\]/.exec(
    bad.path,
  );
  if (original !== null) {
    const j = Number(original[1]);
    const spread = model.scaler.scale[j];
    const divisor = `1e+${Math.floor(Math.log10(spread))}`;
    throw new GmmError(
      'data',
      `${prepared.source}: ${describeColumn(prepared.header, prepared.columns[j].index)} has a spread of ${spread.toPrecision(2)}: its variance in original units is too large for a number`,
      `rescale the column first (e.g. divide it by ${divisor}) and fit again`,
    );
  }
  throw new GmmError(
    'numeric',
    `the fit produced ${bad.value} for ${bad.path}, so it cannot be reported`,
    FAILED_FIT_HINT,
  );
}

/** --plot-cols, or the first two modelled columns; undefined when only one is modelled. */
function resolvePlotColumns(
  prepared: PreparedData,
  plotCols: string | undefined,
): [number, number] | undefined {
  const { header, columns } = prepared;
  if (plotCols === undefined) return columns.length >= 2 ? [0, 1] : undefined;
  const chosen = resolveColumns([plotCols], header);
  if (chosen.length !== 2) {
    throw new GmmError(
      'usage',
      `--plot-cols takes two columns, got ${chosen.length}`,
      'e.g. --plot-cols income,score',
    );
  }
  const positions = chosen.map((c) => columns.findIndex((m) => m.index === c.index));
  const notModelled = chosen.find((_, i) => positions[i] === -1);
  if (notModelled !== undefined) {
    throw new GmmError(
      'usage',
      `--plot-cols: column ${JSON.stringify(notModelled.name)} is not modelled, so it has no ellipses`,
      'plot two of the --cols columns',
    );
  }
  return [positions[0], positions[1]];
}

/** Plain-words labels from each component mean's distance to the column mean, in column sds. */
function describeLabels(prepared: PreparedData, scored: ScoredFit): string[] {
  const { scaler, moments, columns } = prepared;
  const { nComponents: K, nFeatures: d, means } = scored.fit.parameters;
  const zScores = new Float64Array(K * d);
  for (let j = 0; j < d; j++) {
    const { mean, sd } = moments[j];
    for (let k = 0; k < K; k++) {
      const original = scaler.center[j] + scaler.scale[j] * means[k * d + j];
      zScores[k * d + j] = (original - mean) / sd;
    }
  }
  const shortNames = columns.map((c) => (c.typed ?? shortColumnName(c.name)).toLowerCase());
  return segmentLabels(zScores, K, shortNames);
}

function buildModelDocument(
  prepared: PreparedData,
  scored: ScoredFit,
  rows: RowClasses,
  labels: readonly string[],
  options: ModelOptions,
  selection: SelectionRecord | undefined,
): ModelDocument {
  const { scaler, data, droppedRows, columns } = prepared;
  const { fit, criteria } = scored;
  const { nComponents: K, nFeatures: d, covarianceType } = fit.parameters;
  const jacobian = logScaleJacobian(scaler);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    columns: columns.map((c) => c.name),
    scaler,
    covarianceType,
    components: Array.from({ length: K }, (_, k) => {
      const mean = Array.from(fit.parameters.means.subarray(k * d, (k + 1) * d));
      const covariance = fit.parameters.covariances.subarray(k * d * d, (k + 1) * d * d);
      return {
        segment: k + 1,
        label: labels[k],
        weight: fit.parameters.weights[k],
        mean,
        covariance: toNestedMatrix(covariance, d),
        meanOriginal: unscaleMean(mean, scaler),
        covarianceOriginal: unscaleCovariance(covariance, scaler),
      };
    }),
    fit: {
      logLikelihood: criteria.logLikelihood,
      logLikelihoodOriginal: criteria.logLikelihood - data.nSamples * jacobian,
      bic: criteria.bic,
      aic: criteria.aic,
      icl: criteria.icl,
      criteriaSign: 'lower is better (scikit-learn); mclust reports BIC with the opposite sign',
      nParameters: criteria.nParameters,
      nSamples: data.nSamples,
      nDropped: droppedRows,
      iterations: fit.iterations,
      converged: fit.converged,
      nInit: fit.starts.length,
      splitMergeMoves: fit.moves,
      bestStart: fit.bestStart + 1,
      init: options.init,
      seed: options.seed,
      tol: options.tol,
      maxIter: options.maxIter,
      regCovar: options.regCovar,
      logLikelihoodTrajectory: fit.trajectory,
    },
    density: {
      levels: [...DENSITY_QUANTILE_LEVELS],
      logDensityQuantiles: quantilesInPlace(rows.logDensity, DENSITY_QUANTILE_LEVELS).map(
        (value) => value - jacobian,
      ),
    },
    ...(selection === undefined
      ? {}
      : {
          selection: {
            criterion: selection.criterion,
            candidates: selection.cells.map((cell) => ({
              nComponents: cell.nComponents,
              covarianceType: cell.covarianceType,
              logLikelihood: cell.result?.criteria.logLikelihood ?? null,
              bic: cell.result?.criteria.bic ?? null,
              failure: cell.failure ?? null,
            })),
          },
        }),
    tool: { name: 'gmm', version: TOOL_VERSION },
  };
}

function buildSummary(
  prepared: PreparedData,
  scored: ScoredFit,
  model: ModelDocument,
  rows: RowClasses,
  selection: SelectionRecord | undefined,
): FitSummary {
  const K = model.components.length;
  const { labels, certainty } = rows;
  const stats = segmentStats(labels, certainty, K);
  const profiles: ProfileCell[][] = Array.from({ length: K }, () => []);
  for (const profile of prepared.profiles) {
    if (profile.kind === 'numeric') {
      profileMeans(labels, profile.values, K).forEach((value, k) =>
        profiles[k].push({ kind: 'mean', value }),
      );
    } else {
      profileShares(labels, profile.codes, profile.names, K).forEach((shares, k) =>
        profiles[k].push({ kind: 'shares', shares }),
      );
    }
  }
  const sameStructure = selection?.cells.filter(
    (cell) => cell.covarianceType === scored.fit.parameters.covarianceType,
  );
  return {
    source: prepared.source,
    nSamples: prepared.data.nSamples,
    nDropped: prepared.droppedRows,
    columns: model.columns,
    profileColumns: prepared.profiles.map((p) => p.column.name),
    nComponents: K,
    covarianceType: model.covarianceType,
    mclustName: MCLUST_NAMES[scored.fit.parameters.covarianceType],
    logLikelihood: model.fit.logLikelihood,
    logLikelihoodOriginal: model.fit.logLikelihoodOriginal,
    bic: model.fit.bic,
    aic: model.fit.aic,
    icl: model.fit.icl,
    nParameters: model.fit.nParameters,
    iterations: model.fit.iterations,
    converged: model.fit.converged,
    nInit: model.fit.nInit,
    splitMergeMoves: model.fit.splitMergeMoves,
    selection:
      selection === undefined || sameStructure === undefined
        ? undefined
        : {
            criterion: selection.criterion,
            candidates: sameStructure.map((cell) => ({
              nComponents: cell.nComponents,
              value: cell.result?.criteria[selection.criterion],
              failure: cell.failure,
            })),
            chosen: K,
          },
    segments: model.components.map((component, k) => ({
      segment: component.segment,
      label: component.label,
      count: stats[k].count,
      share: stats[k].share,
      weight: component.weight,
      means: component.meanOriginal,
      certainty: stats[k].meanCertainty,
      profiles: profiles[k],
    })),
  };
}

function scatterInput(
  prepared: PreparedData,
  model: ModelDocument,
  [px, py]: [number, number],
  rows: RowClasses,
): ScatterInput {
  const { source, data, plotSample } = prepared;
  const d = data.nFeatures;
  const { stride, values } = plotSample;
  const names = model.components.map((c) => `${c.segment} · ${c.label}`);
  const points: ScatterPoint[] = [];
  for (let s = 0; s * d < values.length; s++) {
    points.push({
      x: values[s * d + px],
      y: values[s * d + py],
      segment: names[rows.labels[s * stride]],
    });
  }
  const ellipses: EllipseVertex[] = [];
  model.components.forEach((component, k) => {
    const cov = component.covarianceOriginal;
    const mean: [number, number] = [component.meanOriginal[px], component.meanOriginal[py]];
    const sub = [cov[px][px], cov[px][py], cov[py][px], cov[py][py]];
    for (const nSigma of [1, 2]) {
      const outline = ellipseOutline(mean, sub, nSigma);
      for (let s = 0; s < outline.length / 2; s++) {
        ellipses.push({
          x: outline[2 * s],
          y: outline[2 * s + 1],
          segment: names[k],
          ring: `${k + 1}-${nSigma}`,
          sigma: `${nSigma}σ`,
          order: s,
        });
      }
    }
  });
  const means = model.components.map((c, k) => ({
    x: c.meanOriginal[px],
    y: c.meanOriginal[py],
    segment: names[k],
  }));
  const thinned = stride > 1 ? ` · every ${stride}th of ${data.nSamples} rows shown` : '';
  return {
    title: `${basename(source)}: ${model.components.length} segments`,
    subtitle:
      `${model.covarianceType} covariance · log-likelihood ${formatLogLikelihood(model.fit.logLikelihood)} · ` +
      `BIC ${formatCriterion(model.fit.bic)} · ellipses at 1σ and 2σ · + marks each mean${thinned}`,
    xTitle: model.columns[px],
    yTitle: model.columns[py],
    segmentNames: names,
    points,
    ellipses,
    means,
  };
}
