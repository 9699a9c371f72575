import { quantileOfSorted } from '../engine/quantiles.js';
import { DataError, quoteValue } from './data-error.js';

export type ScaleMethod = 'standard' | 'robust' | 'minmax' | 'none';

export const SCALE_METHODS: readonly ScaleMethod[] = ['standard', 'robust', 'minmax', 'none'];

/** x_scaled = (x − center) / scale, per column. */
export interface Scaler {
  readonly method: ScaleMethod;
  readonly center: number[];
  readonly scale: number[];
}

/**
 * Fits the scaler on n×d values (original units).
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
): Scaler {
  const center: number[] = [];
  const scale: number[] = [];
  const column = new Float64Array(nSamples);
  for (let j = 0; j < nFeatures; j++) {
    for (let i = 0; i < nSamples; i++) column[i] = values[i * nFeatures + j];
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < nSamples; i++) {
      if (column[i] < min) min = column[i];
      if (column[i] > max) max = column[i];
    }
    if (min === max) {
      throw new DataError(
        `column ${quoteValue(columnNames[j])} is constant (every value is ${min}): it cannot separate segments`,
        'leave it out of --cols (use it as a --profile column instead)',
      );
    }
    switch (method) {
      case 'standard': {
        const { mean, sd } = meanAndDeviation(column);
        center.push(mean);
        scale.push(sd);
        break;
      }
      case 'robust': {
        const sorted = column.slice().sort();
        const q1 = quantileOfSorted(sorted, 0.25);
        const q3 = quantileOfSorted(sorted, 0.75);
        if (!(q3 > q1)) {
          throw new DataError(
            `column ${quoteValue(columnNames[j])} has an interquartile range of 0, so --scale robust cannot scale it`,
            'use --scale standard or --scale minmax',
          );
        }
        center.push(quantileOfSorted(sorted, 0.5));
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
  }
  return { method, center, scale };
}

/**
 * Mean and population standard deviation, two-pass and overflow-safe: deviations are
 * divided by the largest one before squaring, so values near 1e200 do not overflow.
 */
export function meanAndDeviation(column: Float64Array): { mean: number; sd: number } {
  const n = column.length;
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(column[i]));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += column[i] / largest;
  mean = (mean / n) * largest;
  let largestDeviation = 0;
  for (let i = 0; i < n; i++)
    largestDeviation = Math.max(largestDeviation, Math.abs(column[i] - mean));
  if (largestDeviation === 0) return { mean, sd: 0 };
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const z = (column[i] - mean) / largestDeviation;
    sumSquares += z * z;
  }
  return { mean, sd: largestDeviation * Math.sqrt(sumSquares / n) };
}

/** n×d values in scaled units (a new array). */
export function applyScaler(values: Float64Array, nFeatures: number, scaler: Scaler): Float64Array {
  const scaled = new Float64Array(values.length);
  for (let e = 0; e < values.length; e++) {
    const j = e % nFeatures;
    scaled[e] = (values[e] - scaler.center[j]) / scaler.scale[j];
  }
  return scaled;
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
