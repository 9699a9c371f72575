import { basename, join } from 'node:path';
import type { ComponentsSpec } from '../cli/option-parsers.js';
import { chalkFor, writeNote, type CommandIo } from '../cli/terminal.js';
import { UsageError } from '../cli/usage-error.js';
import { TOOL_VERSION } from '../cli/version.js';
import {
  profileMeans,
  profileShares,
  segmentLabels,
  segmentStats,
  shortColumnName,
} from '../engine/describe-segments.js';
import { ellipseOutline } from '../engine/ellipse.js';
import type { EmSettings } from '../engine/em.js';
import { bestCell, fitAndScore, sweepModels, type ScoredFit } from '../engine/select-model.js';
import {
  MCLUST_NAMES,
  type CovarianceType,
  type DataMatrix,
  type InitMethod,
} from '../engine/types.js';
import { DataError } from '../io/data-error.js';
import { extractMatrix, type ExtractedMatrix, type MissingPolicy } from '../io/extract-matrix.js';
import { formatLabelledCsv } from '../io/labelled-csv.js';
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  serializeModel,
  toNestedMatrix,
  type ModelDocument,
} from '../io/model-document.js';
import { decodeText, parseCsv, type Table } from '../io/parse-csv.js';
import { isMissingCell, parseNumberCell } from '../io/parse-number.js';
import { readInput } from '../io/read-input.js';
import {
  applyScaler,
  fitScaler,
  logScaleJacobian,
  meanAndDeviation,
  unscaleCovariance,
  unscaleMean,
  type ScaleMethod,
  type Scaler,
} from '../io/scaling.js';
import {
  defaultColumns,
  isNumericColumn,
  resolveColumns,
  type SelectedColumn,
} from '../io/select-columns.js';
import { checkOutputPaths, ensureDirectory, writeFilesAtomically } from '../io/write-output.js';
import { renderSvg } from '../present/render-svg.js';
import { scatterSpec, type EllipseVertex, type ScatterPoint } from '../present/scatter-spec.js';
import {
  renderSummary,
  type FitSummary,
  type ProfileCell,
  type SummaryFormat,
} from '../present/summary.js';
import { formatCriterion, formatLogLikelihood, plural } from '../present/text.js';

export interface FitOptions {
  readonly cols: string[] | undefined;
  readonly components: ComponentsSpec;
  readonly covariance: CovarianceType;
  readonly scale: ScaleMethod;
  readonly init: InitMethod;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar: number;
  readonly seed: number;
  readonly missing: MissingPolicy;
  readonly profile: string[] | undefined;
  readonly outDir: string | undefined;
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly plot: string | undefined;
  readonly plotCols: string | undefined;
  readonly format: SummaryFormat;
  readonly quiet: boolean;
}

/** Beyond this many rows the scatter shows an evenly spaced subset; ellipses use the full model. */
const MAX_PLOTTED_POINTS = 10_000;

interface OutputPlan {
  readonly labels: string | undefined;
  readonly model: string | undefined;
  readonly plot: string | undefined;
}

function planOutputs(options: FitOptions): OutputPlan {
  const inDir = (name: string) =>
    options.outDir === undefined ? undefined : join(options.outDir, name);
  const plan = {
    labels: options.labels ?? inDir('segments.csv'),
    model: options.model ?? inDir('model.json'),
    plot: options.plot ?? inDir('plot.svg'),
  };
  const toStdout = Object.entries(plan).filter(([, path]) => path === '-');
  if (toStdout.length > 1) {
    throw new UsageError(
      `only one output can go to standard output, but ${toStdout.map(([name]) => `--${name}`).join(' and ')} both say -`,
      'send the others to files',
    );
  }
  return plan;
}

export async function runFit(file: string, options: FitOptions, io: CommandIo): Promise<void> {
  const plan = planOutputs(options);
  const note = (text: string) => {
    if (!options.quiet) writeNote(io, 'fit', 'note', text);
  };
  const input = await readInput(file);
  checkOutputPaths(
    new Map(
      Object.entries(plan)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([name, path]) => [`--${name}`, path]),
    ),
    input.path,
  );
  const table = parseCsv(decodeText(input.bytes, input.name), input.name);

  const columns =
    options.cols === undefined ? defaultColumns(table) : resolveColumns(options.cols, table.header);
  const profileColumns =
    options.profile === undefined ? [] : resolveColumns(options.profile, table.header);
  const plotColumns = resolvePlotColumns(options, table, columns);
  const extracted = extractMatrix(
    table,
    columns.map((c) => c.index),
    options.missing,
  );
  if (extracted.droppedRows > 0) {
    note(`${plural(extracted.droppedRows, 'row')} with a missing value dropped (--missing drop)`);
  }
  if (extracted.nSamples < 2) {
    throw new DataError(
      `${table.source}: has ${plural(extracted.nSamples, 'usable row')}; a mixture needs at least 2`,
    );
  }
  const columnNames = columns.map((c) => c.name);
  const scaler = fitScaler(
    extracted.values,
    extracted.nSamples,
    extracted.nFeatures,
    options.scale,
    columnNames,
  );
  const data: DataMatrix = {
    values: applyScaler(extracted.values, extracted.nFeatures, scaler),
    nSamples: extracted.nSamples,
    nFeatures: extracted.nFeatures,
  };

  const settings: Omit<EmSettings, 'nComponents'> = {
    covarianceType: options.covariance,
    init: options.init,
    nInit: options.nInit,
    maxIter: options.maxIter,
    tol: options.tol,
    regCovar: options.regCovar,
    seed: options.seed,
  };
  const { scored, selection } = chooseModel(data, options.components, settings);
  if (!scored.fit.converged) {
    writeNote(
      io,
      'fit',
      'warning',
      `EM did not converge in ${options.maxIter} iterations (relative change of ℓ still ≥ ${options.tol}); the result may not be the optimum`,
    );
  }

  const labels = describeLabels(scored, scaler, extracted, columns);
  const model = buildModelDocument(
    scored,
    scaler,
    columnNames,
    labels,
    extracted,
    options,
    selection,
  );
  const summary = buildSummary(table, scored, model, extracted, profileColumns, selection);

  // Everything is computed before anything is written, so a failure leaves no files.
  const contents: { path: string; content: string }[] = [];
  if (plan.labels !== undefined) {
    contents.push({
      path: plan.labels,
      content: formatLabelledCsv(
        table,
        extracted.rowIndexes,
        scored.memberships,
        scored.fit.parameters.nComponents,
      ),
    });
  }
  if (plan.model !== undefined) contents.push({ path: plan.model, content: serializeModel(model) });
  if (plan.plot !== undefined) {
    if (plotColumns === undefined) {
      writeNote(io, 'fit', 'warning', 'no plot written: a scatter needs two modelled columns');
    } else {
      contents.push({
        path: plan.plot,
        content: await renderSvg(
          scatterSpec(
            scatterInput(table, model, extracted, plotColumns, scored.memberships.labels),
          ),
        ),
      });
    }
  }

  const summaryStream = contents.some((c) => c.path === '-') ? io.stderr : io.stdout;
  if (options.outDir !== undefined) ensureDirectory(options.outDir);
  writeFilesAtomically(contents.filter((c) => c.path !== '-'));
  for (const { path, content } of contents) if (path === '-') io.stdout.write(content);
  summaryStream.write(renderSummary(summary, options.format, chalkFor(summaryStream, io.env)));
  const written = contents.filter((c) => c.path !== '-').map((c) => c.path);
  if (written.length > 0) note(`wrote ${written.join(', ')}`);
}

interface Selection {
  readonly criterion: 'bic';
  readonly candidates: {
    nComponents: number;
    logLikelihood: number | undefined;
    bic: number | undefined;
    failure: string | undefined;
  }[];
}

/** One K, or the K of lowest BIC among the candidates (-k auto, -k 2..8). */
function chooseModel(
  data: DataMatrix,
  components: ComponentsSpec,
  settings: Omit<EmSettings, 'nComponents'>,
): { scored: ScoredFit; selection: Selection | undefined } {
  if (components.kind === 'fixed') {
    if (components.nComponents > data.nSamples) {
      throw new DataError(
        `-k ${components.nComponents} asks for more components than there are rows (${data.nSamples})`,
        'use fewer components',
      );
    }
    return {
      scored: fitAndScore(data, { ...settings, nComponents: components.nComponents }),
      selection: undefined,
    };
  }
  const candidates = components.candidates.filter((k) => k <= data.nSamples);
  const cells = sweepModels(data, candidates, [settings.covarianceType], settings);
  const best = bestCell(cells, 'bic');
  if (best?.result === undefined) {
    const reason = cells.map((c) => c.failure).find((f) => f !== undefined) ?? 'no candidate K';
    throw new DataError(
      `no K in ${components.text} gave a usable fit (${reason})`,
      'try a larger --reg-covar, --covariance diag, or fewer components',
    );
  }
  return {
    scored: best.result,
    selection: {
      criterion: 'bic',
      candidates: cells.map((cell) => ({
        nComponents: cell.nComponents,
        logLikelihood: cell.result?.memberships.logLikelihood,
        bic: cell.result?.bic,
        failure: cell.failure,
      })),
    },
  };
}

/** --plot-cols, or the first two modelled columns; undefined when there is only one. */
function resolvePlotColumns(
  options: FitOptions,
  table: Table,
  columns: readonly SelectedColumn[],
): [number, number] | undefined {
  if (options.plotCols === undefined) return columns.length >= 2 ? [0, 1] : undefined;
  const chosen = resolveColumns([options.plotCols], table.header);
  if (chosen.length !== 2) {
    throw new UsageError(
      `--plot-cols takes two columns, got ${chosen.length}`,
      'e.g. --plot-cols income,score',
    );
  }
  const positions = chosen.map((c) => columns.findIndex((m) => m.index === c.index));
  const missing = chosen.find((_, i) => positions[i] === -1);
  if (missing !== undefined) {
    throw new UsageError(
      `--plot-cols: column ${JSON.stringify(missing.name)} is not modelled, so it has no ellipses`,
      'plot two of the --cols columns',
    );
  }
  return [positions[0], positions[1]];
}

/** Plain-words labels from each component mean's distance to the column mean, in column sds. */
function describeLabels(
  scored: ScoredFit,
  scaler: Scaler,
  extracted: ExtractedMatrix,
  columns: readonly SelectedColumn[],
): string[] {
  const { nComponents: K, nFeatures: d, means } = scored.fit.parameters;
  const zScores = new Float64Array(K * d);
  const column = new Float64Array(extracted.nSamples);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < extracted.nSamples; i++) column[i] = extracted.values[i * d + j];
    const { mean, sd } = meanAndDeviation(column);
    for (let k = 0; k < K; k++) {
      const original = scaler.center[j] + scaler.scale[j] * means[k * d + j];
      zScores[k * d + j] = (original - mean) / sd;
    }
  }
  const shortNames = columns.map((c) => (c.typed ?? shortColumnName(c.name)).toLowerCase());
  return segmentLabels(zScores, K, shortNames);
}

function buildModelDocument(
  scored: ScoredFit,
  scaler: Scaler,
  columnNames: string[],
  labels: readonly string[],
  extracted: ExtractedMatrix,
  options: FitOptions,
  selection: Selection | undefined,
): ModelDocument {
  const { parameters } = scored.fit;
  const { nComponents: K, nFeatures: d } = parameters;
  const logLikelihood = scored.memberships.logLikelihood;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    columns: columnNames,
    scaler,
    covarianceType: parameters.covarianceType,
    components: Array.from({ length: K }, (_, k) => {
      const mean = Array.from(parameters.means.subarray(k * d, (k + 1) * d));
      const covariance = parameters.covariances.subarray(k * d * d, (k + 1) * d * d);
      return {
        segment: k + 1,
        label: labels[k],
        weight: parameters.weights[k],
        mean,
        covariance: toNestedMatrix(covariance, d),
        meanOriginal: unscaleMean(mean, scaler),
        covarianceOriginal: unscaleCovariance(covariance, scaler),
      };
    }),
    fit: {
      logLikelihood,
      logLikelihoodOriginal: logLikelihood - extracted.nSamples * logScaleJacobian(scaler),
      bic: scored.bic,
      aic: scored.aic,
      icl: scored.icl,
      criteriaSign: 'lower is better (scikit-learn); mclust reports BIC with the opposite sign',
      nParameters: scored.nParameters,
      nSamples: extracted.nSamples,
      nDropped: extracted.droppedRows,
      iterations: scored.fit.iterations,
      converged: scored.fit.converged,
      nInit: options.nInit,
      bestStart: scored.fit.bestStart + 1,
      init: options.init,
      seed: options.seed,
      tol: options.tol,
      maxIter: options.maxIter,
      regCovar: options.regCovar,
      logLikelihoodTrajectory: scored.fit.trajectory,
    },
    ...(selection === undefined
      ? {}
      : {
          selection: {
            criterion: selection.criterion,
            candidates: selection.candidates.map((c) => ({
              nComponents: c.nComponents,
              covarianceType: parameters.covarianceType,
              logLikelihood: c.logLikelihood ?? null,
              bic: c.bic ?? null,
              failure: c.failure ?? null,
            })),
          },
        }),
    tool: { name: 'gmm', version: TOOL_VERSION },
  };
}

function buildSummary(
  table: Table,
  scored: ScoredFit,
  model: ModelDocument,
  extracted: ExtractedMatrix,
  profileColumns: readonly SelectedColumn[],
  selection: Selection | undefined,
): FitSummary {
  const K = scored.fit.parameters.nComponents;
  const { labels, certainty } = scored.memberships;
  const stats = segmentStats(labels, certainty, K);
  const profiles: ProfileCell[][] = Array.from({ length: K }, () => []);
  for (const column of profileColumns) {
    const cells = Array.from(extracted.rowIndexes, (r) => table.rows[r][column.index]);
    if (isNumericColumn(table, column.index)) {
      const values = Float64Array.from(cells, (cell) =>
        isMissingCell(cell) ? Number.NaN : parseNumberCell(cell),
      );
      profileMeans(labels, values, K).forEach((value, k) =>
        profiles[k].push({ kind: 'mean', value }),
      );
    } else {
      profileShares(labels, cells, K).forEach((shares, k) =>
        profiles[k].push({ kind: 'shares', shares }),
      );
    }
  }
  return {
    source: table.source,
    nSamples: extracted.nSamples,
    nDropped: extracted.droppedRows,
    columns: model.columns,
    profileColumns: profileColumns.map((c) => c.name),
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
    selection:
      selection === undefined
        ? undefined
        : {
            criterion: selection.criterion,
            candidates: selection.candidates.map((c) => ({
              nComponents: c.nComponents,
              value: c.bic,
              failure: c.failure,
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
  table: Table,
  model: ModelDocument,
  extracted: ExtractedMatrix,
  [px, py]: [number, number],
  labels: Int32Array,
) {
  const d = extracted.nFeatures;
  const names = model.components.map((c) => `${c.segment} · ${c.label}`);
  const stride = Math.max(1, Math.ceil(extracted.nSamples / MAX_PLOTTED_POINTS));
  const points: ScatterPoint[] = [];
  for (let i = 0; i < extracted.nSamples; i += stride) {
    points.push({
      x: extracted.values[i * d + px],
      y: extracted.values[i * d + py],
      segment: names[labels[i]],
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
  return {
    title: `${basename(table.source)}: ${model.components.length} segments`,
    subtitle: `${model.covarianceType} covariance · log-likelihood ${formatLogLikelihood(model.fit.logLikelihood)} · BIC ${formatCriterion(model.fit.bic)} · ellipses at 1σ and 2σ · + marks each mean`,
    xTitle: model.columns[px],
    yTitle: model.columns[py],
    segmentNames: names,
    points,
    ellipses,
    means,
  };
}
