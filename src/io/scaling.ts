import { quantileOfSorted } from '../engine/quantiles.js';
import { quoteValue } from './quote-value.js';
import { GmmError } from '../errors.js';

export type ScaleMethod = 'standard' | 'robust' | 'minmax' | 'none';

export const SCALE_METHODS: readonly ScaleMethod[] = ['standard', 'robust', 'minmax', 'none'];

/** x_scaled = (x − center) / scale, per column. */
export interface Scaler {
  readonly method: ScaleMethod;
  readonly center: number[];
  readonly scale: number[];
}

/** What scaling and labelling need of one column (original units). */
export interface ColumnSummary {
  readonly min: number;
  readonly max: number;
  /** Mean and population standard deviation (ddof 0). */
  readonly mean: number;
  readonly sd: number;
}

/**
 * Min, max, mean and sd of every column of an n×d row-major matrix, in two passes
 * over the rows for all columns at once (10M×5 values are read twice, not 30 times).
 * A column whose values are too large for plain sums (beyond ±1e150, where squares
 * overflow) is summarised again by the overflow-safe meanAndDeviation.
 */
export function summarizeColumns(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
  rowWeights?: Float64Array,
): ColumnSummary[] {
  const d = nFeatures;
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  const sum = new Float64Array(d);
  // Σ wᵢ over the observed cells of each column (n when nothing is missing or weighted)
  const count = new Float64Array(d);
  for (let i = 0; i < nSamples; i++) {
    const row = i * d;
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    if (w === 0) continue;
    for (let j = 0; j < d; j++) {
      const v = values[row + j];
      if (v !== v) continue; // a missing cell (--missing em): summaries of the observed ones
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
      sum[j] += w * v;
      count[j] += w;
    }
  }
  const mean = Array.from(sum, (total, j) => total / count[j]);
  const squares = new Float64Array(d);
  for (let i = 0; i < nSamples; i++) {
    const row = i * d;
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    for (let j = 0; j < d; j++) {
      const deviation = values[row + j] - mean[j];
      if (deviation === deviation && w !== 0) squares[j] += w * deviation * deviation;
    }
  }
  return Array.from({ length: d }, (_, j) => {
    const sd = Math.sqrt(squares[j] / count[j]);
    const plain = Math.max(Math.abs(min[j]), Math.abs(max[j])) <= 1e150 && Number.isFinite(sd);
    if (plain) return { min: min[j], max: max[j], mean: mean[j], sd };
    // (the overflow-safe path is unweighted: columns beyond ±1e150 are not a weighted case)
    const column = Float64Array.from({ length: nSamples }, (_, i) => values[i * d + j]).filter(
      (v) => v === v,
    );
    return { min: min[j], max: max[j], ...meanAndDeviation(column) };
  });
}

/**
 * The q-quantile by linear interpolation (numpy's default) of the rows repeated wᵢ
 * times: the value at position (Σw − 1)·q of the expanded sorted column. Missing
 * cells (NaN) and rows of weight 0 are left out.
 */
export function weightedQuantile(
  column: Float64Array,
  rowWeights: Float64Array | undefined,
  q: number,
): number {
  const order = Array.from(column.keys()).filter(
    (i) => column[i] === column[i] && (rowWeights === undefined || rowWeights[i] > 0),
  );
  if (rowWeights === undefined) {
    const sorted = Float64Array.from(order, (i) => column[i]).sort();
    return quantileOfSorted(sorted, q);
  }
  order.sort((a, b) => column[a] - column[b] || a - b);
  let total = 0;
  for (const i of order) total += rowWeights[i];
  const h = Math.max(0, (total - 1) * q);
  const low = Math.floor(h);
  const at = (position: number) => {
    let cumulative = 0;
    for (const i of order) {
      cumulative += rowWeights[i];
      if (cumulative > position) return column[i];
    }
    return column[order[order.length - 1]];
  };
  const a = at(low);
  const fraction = h - low;
  return fraction === 0 ? a : a + fraction * (at(low + 1) - a);
}

/**
 * Fits the scaler on n×d values (original units), given their column summaries.
 * With row weights, every statistic is that of the rows repeated wᵢ times; missing
 * cells (NaN) are left out of their column's statistics.
 *   standard: mean and population standard deviation (numpy's default, ddof 0)
 *   robust:   median and interquartile range (linear interpolation, numpy's default)
 *   minmax:   minimum and range
 *   none:     0 and 1
 * A constant column cannot separate anything and is an error.
 */
export function fitScaler(
  values: Float64Array,
  nSamples: number,
  nFeatures: number,
  method: ScaleMethod,
  columnNames: readonly string[],
  given?: ColumnSummary[],
  rowWeights?: Float64Array,
): Scaler {
  const summaries = given ?? summarizeColumns(values, nSamples, nFeatures, rowWeights);
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < nFeatures; j++) {
    const { min, max, mean, sd } = summaries[j];
    if (min === max) {
      throw new GmmError(
        'data',
        `column ${quoteValue(columnNames[j])} is constant (every value is ${min}): it cannot separate segments`,
        'leave it out of --cols (use it as a --profile column instead)',
      );
    }
    switch (method) {
      case 'standard':
        center.push(mean);
        scale.push(sd);
        break;
      case 'robust': {
        const column = Float64Array.from({ length: nSamples }, (_, i) => values[i * nFeatures + j]);
        const q1 = weightedQuantile(column, rowWeights, 0.25);
        const q3 = weightedQuantile(column, rowWeights, 0.75);
        if (!(q3 > q1)) {
          throw new GmmError(
            'data',
            `column ${quoteValue(columnNames[j])} has an interquartile range of 0, so --scale robust cannot scale it`,
            'use --scale standard or --scale minmax',
          );
        }
        center.push(weightedQuantile(column, rowWeights, 0.5));
        scale.push(q3 - q1);
        break;
      }
      case 'minmax':
        center.push(min);
        scale.push(max - min);
        break;
      case 'none':
        center.push(0);
        scale.push(1);
        break;
    }
    checkScaledRange(center[j], scale[j], min, max, method, columnNames[j]);
  }
  return { method, center, scale };
}

/**
 * Scaled values at most this large: the engine squares them and sums the squares over
 * rows, which must stay far below 1.8e308 (beyond it, NaN instead of a fit).
 */
export const MAX_SCALED_MAGNITUDE = 1e100;
/** --scale none: values within ±1e50 that differ by at least 1e-50 (see checkScaledRange). */
const MAX_UNSCALED_MAGNITUDE = 1e50;

/**
 * Refuses a column the arithmetic cannot carry: a center or scale that overflows or
 * underflows (values near ±1.8e308, or differing only past 1e-308), a value that
 * lands absurdly far out once scaled (an outlier 1e120 interquartile ranges away,
 * or 1e200 with --scale none), or, unscaled, values too close for their variance.
 */
function checkScaledRange(
  center: number,
  scale: number,
  min: number,
  max: number,
  method: ScaleMethod,
  name: string,
): void {
  const farthest = Math.abs(min - center) > Math.abs(max - center) ? min : max;
  const scaled = Math.abs((farthest - center) / scale);
  if (
    !Number.isFinite(center) ||
    !Number.isFinite(scale) ||
    !(scale > 0) ||
    !Number.isFinite(scaled)
  ) {
    throw new GmmError(
      'data',
      `column ${quoteValue(name)} cannot be scaled: its values run from ${min} to ${max}, beyond what double-precision arithmetic can carry`,
      'rescale the column first (e.g. to thousands, or to millionths)',
    );
  }
  // Unscaled, the engine multiplies two columns' variances: values closer than this
  // underflow that product to 0 (and 0/0 is NaN), larger ones overflow it.
  if (method === 'none' && max - min < 1 / MAX_UNSCALED_MAGNITUDE) {
    throw new GmmError(
      'data',
      `column ${quoteValue(name)}: its values differ by at most ${max - min}, too little to model unscaled`,
      'use --scale standard, or rescale the column',
    );
  }
  if (method === 'none' && scaled > MAX_UNSCALED_MAGNITUDE) {
    throw new GmmError(
      'data',
      `column ${quoteValue(name)}: the value ${farthest} is too large to model unscaled`,
      'use --scale standard, or rescale the column',
    );
  }
  if (scaled > MAX_SCALED_MAGNITUDE) {
    throw new GmmError(
      'data',
      `column ${quoteValue(name)}: the value ${farthest} is too far out to model (${scaled.toPrecision(2)} in ${method}-scaled units)`,
      'leave out the extreme rows, or rescale the column',
    );
  }
}

/**
 * Mean and population standard deviation, two-pass and overflow-safe: deviations are
 * divided by the largest one before squaring, so values near 1e200 do not overflow.
 */
export function meanAndDeviation(column: Float64Array): { mean: number; sd: number } {
  const n = column.length;
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(column[i]));
  if (largest === 0) return { mean: 0, sd: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += column[i] / largest;
  mean = (mean / n) * largest;
  let largestDeviation = 0;
  for (let i = 0; i < n; i++)
    largestDeviation = Math.max(largestDeviation, Math.abs(column[i] - mean));
  if (largestDeviation === 0) return { mean, sd: 0 };
  // Values near ±1.8e308: x − mean overflows, so work in units of the largest value.
  if (!Number.isFinite(largestDeviation)) return deviationInUnitsOf(column, largest);
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const z = (column[i] - mean) / largestDeviation;
    sumSquares += z * z;
  }
  return { mean, sd: largestDeviation * Math.sqrt(sumSquares / n) };
}

/** n×d values in scaled units (a new array). */
export function applyScaler(values: Float64Array, nFeatures: number, scaler: Scaler): Float64Array {
  return scaleInPlace(values.slice(), nFeatures, scaler);
}

/** n×d values turned into scaled units where they are (a 10M-row matrix is not copied). */
export function scaleInPlace(
  values: Float64Array,
  nFeatures: number,
  scaler: Scaler,
): Float64Array {
  for (let e = 0; e < values.length; e++) {
    const j = e % nFeatures;
    values[e] = (values[e] - scaler.center[j]) / scaler.scale[j];
  }
  return values;
}

/** A mean vector (d) back in original units: center + scale·μ. */
export function unscaleMean(mean: ArrayLike<number>, scaler: Scaler): number[] {
  return Array.from(mean, (value, j) => scaler.center[j] + scaler.scale[j] * value);
}

/** A covariance (d×d, row-major) back in original units: D Σ D with D = diag(scale). */
export function unscaleCovariance(covariance: ArrayLike<number>, scaler: Scaler): number[][] {
  const d = scaler.scale.length;
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => covariance[a * d + b] * scaler.scale[a] * scaler.scale[b]),
  );
}

/** Σⱼ log sⱼ: ℓ_original = ℓ_scaled − n·this (the Jacobian of the scaling). */
export function logScaleJacobian(scaler: Scaler): number {
  return scaler.scale.reduce((sum, s) => sum + Math.log(s), 0);
}

/** meanAndDeviation for values whose differences overflow: computed on x / unit, scaled back. */
function deviationInUnitsOf(column: Float64Array, unit: number): { mean: number; sd: number } {
  const reduced = column.map((value) => value / unit);
  const { mean, sd } = meanAndDeviation(reduced);
  return { mean: mean * unit, sd: sd * unit };
}
