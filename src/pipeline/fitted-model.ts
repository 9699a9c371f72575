import { segmentLabels, shortColumnName } from '../engine/describe-segments.js';
import { finalRows, type FinalRows } from '../engine/predict.js';
import { DENSITY_QUANTILE_LEVELS, quantiles, weightedQuantiles } from '../engine/quantiles.js';
import type { ScoredFit, SweepCell, SweepSettings } from '../engine/select-model.js';
import type { Criterion, DataMatrix } from '../engine/types.js';
import { describeColumn } from '../io/quote-value.js';
import { logScaleJacobian, type Scaler } from '../io/scaling.js';
import type { PreparedData } from './prepare-data.js';
import { GmmError } from '../errors.js';

/** How K (and the structure) were chosen, when a sweep chose them. */
export interface SelectionRecord {
  readonly criterion: Criterion;
  readonly cells: readonly SweepCell[];
}

/**
 * The chosen model and what it says of every row, in memory: what the summary, the
 * plots, the labelled CSV and the model JSON all read (the JSON is its serialisation,
 * model-document-of.ts). Parameters are in the engine's scaled units; `*Original` are
 * in the input's units.
 */
export interface FittedModel {
  readonly prepared: PreparedData;
  readonly scored: ScoredFit;
  readonly settings: SweepSettings;
  readonly selection: SelectionRecord | undefined;
  /** K plain-words labels, unique within the model. */
  readonly labels: readonly string[];
  /** K×d */
  readonly meansOriginal: Float64Array;
  /** K×d×d: D Σₖ D with D = diag(scale) */
  readonly covariancesOriginal: Float64Array;
  /**
   * ℓ of the rows in original units: ℓ_scaled − n Σⱼ log sⱼ; with weights and missing
   * cells, ℓ_scaled − Σᵢ wᵢ Σ_{j observed in i} log sⱼ.
   */
  readonly logLikelihoodOriginal: number;
  /** The training rows' log density (original units) at DENSITY_QUANTILE_LEVELS. */
  readonly logDensityQuantiles: number[];
  /**
   * The one final E-step over all rows: labels, certainty, log density (scaled units),
   * and the n×K memberships when the labelled CSV needs them (10M rows × K=8 is 640 MB).
   */
  readonly rows: Omit<FinalRows, 'imputed'>;
  /** --impute: n×d, the modelled cells with missing ones filled (original units). */
  readonly imputed: Float64Array | undefined;
}

/**
 * The fitted model of a chosen cell: one E-step on its parameters, the labels, the
 * original units. Refuses a model holding NaN or ±Infinity, naming the column whose
 * variance overflowed when that is why.
 */
export function describeFit(
  prepared: PreparedData,
  scored: ScoredFit,
  settings: SweepSettings,
  selection: SelectionRecord | undefined,
  { memberships, impute = false }: { memberships: boolean; impute?: boolean },
): FittedModel {
  const { data, scaler } = prepared;
  const { parameters } = scored.fit;
  const { nComponents: K, nFeatures: d } = parameters;
  const { imputed: imputedScaled, ...rows } = finalRows(
    data,
    parameters,
    { memberships, impute },
    prepared.grouped,
  );
  const hasMissing = prepared.grouped !== undefined;
  const meansOriginal = new Float64Array(K * d);
  const covariancesOriginal = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < d; a++) {
      meansOriginal[k * d + a] = scaler.center[a] + scaler.scale[a] * parameters.means[k * d + a];
      for (let b = 0; b < d; b++) {
        const at = k * d * d + a * d + b;
        covariancesOriginal[at] = parameters.covariances[at] * scaler.scale[a] * scaler.scale[b];
      }
    }
  }
  checkOriginalUnits(prepared, meansOriginal, covariancesOriginal);
  const imputed = imputedScaled === undefined ? undefined : unscaleRows(imputedScaled, scaler);
  const jacobian = logScaleJacobian(scaler);
  const densities = hasMissing
    ? completeRowDensities(data, rows.logDensity)
    : { values: rows.logDensity, weights: data.rowWeights };
  const logDensityQuantiles = (
    densities.weights === undefined
      ? quantiles(densities.values, DENSITY_QUANTILE_LEVELS)
      : weightedQuantiles(densities.values, densities.weights, DENSITY_QUANTILE_LEVELS)
  ).map((value) => value - jacobian);
  return {
    prepared,
    scored,
    settings,
    selection,
    labels: plainWordsLabels(prepared, meansOriginal, K),
    meansOriginal,
    covariancesOriginal,
    logLikelihoodOriginal:
      scored.criteria.logLikelihood -
      (hasMissing || data.rowWeights !== undefined
        ? observedJacobian(data, scaler)
        : data.nSamples * jacobian),
    logDensityQuantiles,
    rows,
    imputed,
  };
}

/** n×d scaled rows (`values`, overwritten) in original units. */
function unscaleRows(values: Float64Array, scaler: Scaler): Float64Array {
  const d = scaler.scale.length;
  for (let e = 0; e < values.length; e++) {
    const j = e % d;
    values[e] = scaler.center[j] + scaler.scale[j] * values[e];
  }
  return values;
}

/**
 * The log densities the anomaly quantiles come from, with their row weights: those of
 * complete rows (a row with missing cells has a density over fewer columns, not
 * comparable), all when none is.
 */
function completeRowDensities(
  data: DataMatrix,
  logDensity: Float64Array,
): { values: Float64Array; weights: Float64Array | undefined } {
  const d = data.nFeatures;
  const { rowWeights } = data;
  const complete: number[] = [];
  for (let i = 0; i < data.nSamples; i++) {
    let observed = true;
    for (let j = 0; j < d && observed; j++)
      observed = data.values[i * d + j] === data.values[i * d + j];
    if (observed) complete.push(i);
  }
  // No complete row (or none that counts): all rows, rather than no quantiles at all.
  const counted =
    complete.length > 0 && (rowWeights === undefined || complete.some((i) => rowWeights[i] > 0));
  if (!counted) return { values: logDensity, weights: rowWeights };
  return {
    values: Float64Array.from(complete, (i) => logDensity[i]),
    weights:
      rowWeights === undefined ? undefined : Float64Array.from(complete, (i) => rowWeights[i]),
  };
}

/** Σᵢ wᵢ Σ_{j observed in row i} log sⱼ: what scaling adds to ℓ with weights or missing cells. */
function observedJacobian(data: DataMatrix, scaler: Scaler): number {
  const { values, nSamples, nFeatures: d, rowWeights } = data;
  const logScales = scaler.scale.map((s) => Math.log(s));
  let total = 0;
  for (let i = 0; i < nSamples; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) if (values[i * d + j] === values[i * d + j]) row += logScales[j];
    total += (rowWeights === undefined ? 1 : rowWeights[i]) * row;
  }
  return total;
}

/** Plain-words labels from each component mean's distance to the column mean, in column sds. */
function plainWordsLabels(
  prepared: PreparedData,
  meansOriginal: Float64Array,
  K: number,
): string[] {
  const { moments, columns } = prepared;
  const d = columns.length;
  const zScores = new Float64Array(K * d);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      zScores[k * d + j] = (meansOriginal[k * d + j] - moments[j].mean) / moments[j].sd;
    }
  }
  const shortNames = columns.map((c) => (c.typed ?? shortColumnName(c.name)).toLowerCase());
  return segmentLabels(zScores, K, shortNames);
}

/**
 * A mean or covariance that is not finite in original units comes from a column whose
 * spread overflows there (beyond ~1e154): that column is named, with the rescaling that
 * avoids it. (Scaled parameters are finite: the engine refuses any other fit.)
 */
function checkOriginalUnits(
  prepared: PreparedData,
  meansOriginal: Float64Array,
  covariancesOriginal: Float64Array,
): void {
  const d = prepared.columns.length;
  const inMean = meansOriginal.findIndex((value) => !Number.isFinite(value));
  const inCovariance = covariancesOriginal.findIndex((value) => !Number.isFinite(value));
  if (inMean < 0 && inCovariance < 0) return;
  const column = inMean >= 0 ? inMean % d : Math.floor((inCovariance % (d * d)) / d);
  const spread = prepared.scaler.scale[column];
  throw new GmmError(
    'data',
    `${prepared.source}: ${describeColumn(prepared.header, prepared.columns[column].index)} has a spread of ${spread.toPrecision(2)}: its variance in original units is too large for a number`,
    `rescale the column first (e.g. divide it by 1e+${Math.floor(Math.log10(spread))}) and fit again`,
  );
}
