import { choleskyLower } from './cholesky.js';
import type { PrecisionShape } from './kernels.js';
import { modelStructure } from './model-names.js';
import type { MixtureParameters } from './types.js';
import { GmmError } from '../errors.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * What the E-step needs of each component, computed once per iteration.
 * With Σₖ = Lₖ Lₖᵀ and Wₖ = Lₖ⁻¹ (lower triangular), the Mahalanobis term is
 * ‖Wₖ (x − μₖ)‖², and log N(x | μₖ, Σₖ) = logNormₖ − ½‖·‖².
 * (Wₖᵀ is scikit-learn's `precisions_cholesky_`.)
 */
export interface PrecisionFactors {
  readonly nComponents: number;
  readonly nFeatures: number;
  /** K×d×d, Wₖ lower triangular (upper part zero). */
  readonly invChol: Float64Array;
  /** K×d, μₖ (the E-step works on x − μₖ, and gathers its scatter around μₖ). */
  readonly means: Float64Array;
  /** Diagonal Wₖ (diag, spherical) let the E-step skip the off-diagonal terms. */
  readonly shape: PrecisionShape;
  /** K, −d/2 log 2π + Σⱼ log Wₖ[j,j] (= −½ log|2πΣₖ|). */
  readonly logNorm: Float64Array;
  /** K, logNormₖ + log πₖ: the constant part of log πₖ N(x | μₖ, Σₖ). */
  readonly logWeightedNorm: Float64Array;
  /**
   * Tied only (else null), K×d: W (μₖ − μ₁) with W the shared factor. The E-step then
   * projects each row once, y = W (x − μ₁), and ‖W (x − μₖ)‖ = ‖y − W (μₖ − μ₁)‖: d²/2
   * per row instead of K·d²/2.
   */
  readonly projectedMeans: Float64Array | null;
}

/**
 * Cholesky of each covariance (d×d, choleskyLower) and the inverse of its factor.
 * Throws NumericError naming the component when a covariance is not positive definite.
 */
export function computePrecisionFactors(parameters: MixtureParameters): PrecisionFactors {
  const { nComponents, nFeatures: d, weights, means, covariances } = parameters;
  const invChol = new Float64Array(nComponents * d * d);
  const logNorm = new Float64Array(nComponents);
  const logWeightedNorm = new Float64Array(nComponents);
  const lower = new Float64Array(d * d);
  for (let k = 0; k < nComponents; k++) {
    const offset = k * d * d;
    for (let e = 0; e < d * d; e++) {
      if (!Number.isFinite(covariances[offset + e])) {
        throw new GmmError('numeric', `the covariance of component ${k + 1} is not finite`);
      }
    }
    if (!choleskyLower(covariances, offset, d, lower)) {
      throw new GmmError(
        'numeric',
        `the covariance of component ${k + 1} is not positive definite`,
      );
    }
    invertLowerTriangular(lower, invChol, offset, d);
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      const diagonal = invChol[offset + j * d + j];
      if (!(diagonal > 0) || !Number.isFinite(diagonal)) {
        throw new GmmError('numeric', `the covariance of component ${k + 1} is singular`);
      }
      logDet += Math.log(diagonal);
    }
    logNorm[k] = -0.5 * d * LOG_2PI + logDet;
    logWeightedNorm[k] = logNorm[k] + Math.log(weights[k]);
  }
  const shape: PrecisionShape =
    modelStructure(parameters.covarianceType).orientation === 'I'
      ? 'diagonal'
      : parameters.covarianceType === 'tied'
        ? 'tied'
        : 'full';
  let projectedMeans: Float64Array | null = null;
  if (shape === 'tied') {
    projectedMeans = new Float64Array(nComponents * d);
    for (let k = 0; k < nComponents; k++) {
      for (let j = 0; j < d; j++) {
        let y = 0;
        for (let a = 0; a <= j; a++) y += invChol[j * d + a] * (means[k * d + a] - means[a]);
        projectedMeans[k * d + j] = y;
      }
    }
  }
  return {
    nComponents,
    nFeatures: d,
    invChol,
    means,
    shape,
    logNorm,
    logWeightedNorm,
    projectedMeans,
  };
}

/** Forward substitution column by column: out[offset..] = L⁻¹ (L row-major d×d). */
function invertLowerTriangular(
  lower: Float64Array,
  out: Float64Array,
  offset: number,
  d: number,
): void {
  for (let col = 0; col < d; col++) {
    for (let row = 0; row < d; row++) {
      if (row < col) {
        out[offset + row * d + col] = 0;
        continue;
      }
      let s = row === col ? 1 : 0;
      for (let a = col; a < row; a++) s -= lower[row * d + a] * out[offset + a * d + col];
      out[offset + row * d + col] = s / lower[row * d + row];
    }
  }
}
