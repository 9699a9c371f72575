import { symmetricEigen } from './symmetric.js';

/**
 * F(Σ) = Σₖ [Nₖ log|Σₖ| + tr(Σₖ⁻¹ Sₖ)] (see constrainedCovariances), by the
 * eigen-decomposition of each Σₖ; +∞ when some Σₖ is not positive definite.
 */
export function covarianceObjective(
  covariances: Float64Array,
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
): number {
  let total = 0;
  for (let k = 0; k < nk.length; k++) {
    const { values, vectors } = symmetricEigen(covariances, k * d * d, d);
    for (let j = 0; j < d; j++) {
      if (!(values[j] > 0)) return Infinity;
      let quadratic = 0;
      for (let a = 0; a < d; a++) {
        let row = 0;
        for (let b = 0; b < d; b++) row += scatter[k * d * d + a * d + b] * vectors[b * d + j];
        quadratic += vectors[a * d + j] * row;
      }
      total += nk[k] * Math.log(values[j]) + quadratic / values[j];
    }
  }
  return total;
}

/** Inner iterations stop when F gains less than this, relative to |F|. */
export const INNER_TOLERANCE = 1e-12;

/** Whether an inner iteration has stopped gaining (or F is no longer finite). */
export function innerConverged(previous: number, current: number): boolean {
  if (!Number.isFinite(current)) return true;
  return previous - current <= INNER_TOLERANCE * Math.abs(current);
}

/**
 * The better (lower F) of a new estimate and the previous covariances: the guard that
 * keeps EM monotone when an iterative M-step ends at a worse stationary point.
 */
export function noWorseThanPrevious(
  estimate: Float64Array,
  estimateObjective: number,
  previous: Float64Array | undefined,
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
): Float64Array {
  if (previous === undefined) return estimate;
  const before = covarianceObjective(previous, scatter, nk, d);
  return before < estimateObjective ? previous.slice() : estimate;
}
