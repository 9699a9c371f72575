import { choleskyLower } from '../cholesky.js';

/** Scratch of covarianceObjective (d×d each), grown as needed: it runs several times per M-step. */
let factor = new Float64Array(0);
let inverse = new Float64Array(0);

/**
 * F(Σ) = Σₖ [Nₖ log|Σₖ| + tr(Σₖ⁻¹ Sₖ)] (see constrainedCovariances), by the Cholesky
 * factor Σₖ = LLᵀ: log|Σₖ| = 2 Σⱼ log Lⱼⱼ and, with W = L⁻¹, tr(Σₖ⁻¹ Sₖ) = Σⱼ wⱼᵀ Sₖ wⱼ
 * (wⱼ the rows of W); +∞ when some Σₖ is not positive definite.
 */
export function covarianceObjective(
  covariances: Float64Array,
  scatter: Float64Array,
  nk: Float64Array,
  d: number,
): number {
  if (factor.length < d * d) {
    factor = new Float64Array(d * d);
    inverse = new Float64Array(d * d);
  }
  let total = 0;
  for (let k = 0; k < nk.length; k++) {
    const offset = k * d * d;
    if (!choleskyLower(covariances, offset, d, factor)) return Infinity;
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(factor[j * d + j]);
    // W = L⁻¹ row by row (forward substitution), then Σⱼ wⱼᵀ S wⱼ
    let trace = 0;
    for (let j = 0; j < d; j++) {
      for (let c = 0; c <= j; c++) {
        let s = j === c ? 1 : 0;
        for (let a = c; a < j; a++) s -= factor[j * d + a] * inverse[a * d + c];
        inverse[j * d + c] = s / factor[j * d + j];
      }
      let quadratic = 0;
      for (let a = 0; a <= j; a++) {
        let row = 0;
        for (let b = 0; b <= j; b++) row += scatter[offset + a * d + b] * inverse[j * d + b];
        quadratic += inverse[j * d + a] * row;
      }
      trace += quadratic;
    }
    if (!Number.isFinite(logDet)) return Infinity;
    total += nk[k] * 2 * logDet + trace;
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
